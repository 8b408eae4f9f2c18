"""Kits fetched from a git repository, an archive or a folder, pinned in pbgen.toml, kept in a
cache, updated with a list of what changed. Git sources are local bare repositories: there is no
internet here, and a bureau's server speaks the same protocol."""

import io
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from pbgen.errors import PbgenError
from pbgen.kit import KitError
from pbgen.kitdiff import changes
from pbgen.kitstore import kit_for, unpack, update, use
from pbgen.settings import read_settings

from conftest import ROOT, git, publish, write_kit
from conftest import pbgen as run_pbgen

KIT = "id: czj\nname: 示例县财政局\nversion: {version}\nframework: standard\nrules:\n{rules}"


def bureau_kit(folder, version="1.0", rules="  value-unit: error\n"):
    return write_kit(folder, KIT.format(version=version, rules=rules))


def pbgen(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "pbgen", *map(str, args)], cwd=cwd, capture_output=True, text=True
    )


def test_use_a_git_kit_pinned_then_update_says_what_changed(tmp_path):
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    publish(kit, repository, "1.0")
    department = tmp_path / "部门"
    department.mkdir()
    pinned = use(str(repository), None, department)
    settings = read_settings(department / "pbgen.toml")
    assert settings.kit.version == "1.0" and pinned.new.id == "czj"
    assert settings.kit.source == "../kit.git"  # relative: the folder can move with its kit
    assert kit_for(department / "x.yaml").version == "1.0"

    # the bureau publishes 1.1: a locked rule, a new framework, a changed layout file
    bureau_kit(kit, "1.1", "  value-unit: error\n  indicator-required: {locked: true}\n")
    shutil.copytree(ROOT / "templates" / "frameworks", kit / "frameworks")
    publish(kit, repository, "1.1")
    assert kit_for(department / "x.yaml").version == "1.0"  # pinned: nothing moves by itself
    moved = update(department)
    assert (moved.old.version, moved.new.version) == ("1.0", "1.1")
    said = changes(moved.old, moved.new)
    assert "版本：1.0 → 1.1" in said
    assert "新增指标体系：2021" in said and "新增指标体系：standard" in said
    assert "规则 indicator-required：pbgen 默认 → 锁定" in said
    assert read_settings(department / "pbgen.toml").kit.version == "1.1"
    assert kit_for(department / "x.yaml").version == "1.1"


def test_a_pinned_git_kit_works_offline_once_fetched(tmp_path):
    kit, repository = bureau_kit(tmp_path / "kit-work", "2.0"), tmp_path / "kit.git"
    publish(kit, repository, "2.0")
    department = tmp_path / "部门"
    department.mkdir()
    use(str(repository), "2.0", department)
    shutil.rmtree(repository)  # the bureau's server is out of reach
    done = pbgen("kit", "show", cwd=department)
    assert done.returncode == 0, done.stderr
    assert "示例县财政局（czj 2.0）" in done.stdout and "value-unit：错误" in done.stdout


def test_a_tag_that_disagrees_with_kit_yaml_is_refused(tmp_path):
    kit, repository = bureau_kit(tmp_path / "kit-work", "1.0"), tmp_path / "kit.git"
    publish(kit, repository, "2.0")  # tagged v2.0, but kit.yaml still says 1.0
    with pytest.raises(KitError, match=r"kit 是 1\.0 版，不是要的 2\.0 版"):
        use(str(repository), "2.0", tmp_path)


def test_a_version_the_repository_lacks_is_refused_with_the_ones_it_has(tmp_path):
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    publish(kit, repository, "1.0")
    with pytest.raises(KitError, match=r"没有 3\.0 版（有：1\.0）"):
        use(str(repository), "3.0", tmp_path)


def test_a_folder_kit_must_be_at_the_pinned_version(tmp_path):
    kit = bureau_kit(tmp_path / "kit")
    department = tmp_path / "部门"
    department.mkdir()
    use(str(kit), None, department)
    assert read_settings(department / "pbgen.toml").kit.source == "../kit"
    bureau_kit(kit, "1.1")
    with pytest.raises(KitError, match=r"现在是 1\.1 版，这里固定的是 1\.0 版.*pbgen kit update"):
        kit_for(department / "x.yaml")
    moved = update(department)
    assert moved.old.version == "1.0" and moved.new.version == "1.1"  # the old one was kept


def test_pbgen_toml_keeps_its_comments(tmp_path):
    kit = bureau_kit(tmp_path / "kit")
    (tmp_path / "pbgen.toml").write_text('# 本部门的设置\ntemplate_dir = "forms"  # 自己的表\n')
    (tmp_path / "forms").mkdir()
    use(str(kit), None, tmp_path)
    text = (tmp_path / "pbgen.toml").read_text()
    assert text.startswith('# 本部门的设置\ntemplate_dir = "forms"  # 自己的表\n')
    assert "[kit]" in text and 'version = "1.0"' in text


def test_init_with_a_kit(tmp_path):
    kit = write_kit(
        tmp_path / "kit",
        "id: czj\nname: 示例县财政局\nversion: 1\nlayout: gongkai\n",
    )
    done = pbgen(
        "init",
        "部门",
        "--kit",
        kit,
        "--department",
        "示例局",
        "--year",
        "2027",
        "--ci",
        "none",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    department = tmp_path / "部门"
    assert read_settings(department / "pbgen.toml").kit.version == "1"
    filing = department / "示例局-2027.yaml"
    assert "layout: gongkai" in filing.read_text()  # the kit's default layout


# -- archives --------------------------------------------------------------------------------


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_an_archive_kit_is_unpacked_once(tmp_path):
    archive = tmp_path / "czj-kit-1.2.zip"
    archive.write_bytes(zip_of({"czj-kit/kit.yaml": KIT.format(version="1.2", rules="").encode()}))
    department = tmp_path / "部门"
    department.mkdir()
    use(str(archive), None, department)
    archive.unlink()  # the USB stick is gone
    assert kit_for(department / "x.yaml").version == "1.2"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "kit/../../evil.txt", "C:/evil"])
def test_an_archive_entry_outside_is_refused(tmp_path, name):
    archive = tmp_path / "kit.zip"
    archive.write_bytes(zip_of({"kit.yaml": b"id: x\nname: x\nversion: 1\n", name: b"x"}))
    with pytest.raises(PbgenError, match="没有解压"):
        unpack(archive, tmp_path / "into")
    assert not (tmp_path / "into").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_a_link_in_a_tar_kit_is_refused(tmp_path):
    archive = tmp_path / "kit.tar.gz"
    with tarfile.open(archive, "w:gz") as package:
        data = b"id: x\nname: x\nversion: 1\n"
        info = tarfile.TarInfo("kit.yaml")
        info.size = len(data)
        package.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("common")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc"
        package.addfile(link)
    with pytest.raises(PbgenError, match="模板包里只能有普通文件和文件夹"):
        unpack(archive, tmp_path / "into")


def test_a_link_in_a_folder_kit_is_refused(tmp_path):
    kit = bureau_kit(tmp_path / "kit")
    (kit / "common").symlink_to("/etc")
    with pytest.raises(PbgenError, match="common"):
        kit_for(tmp_path, kit)


def test_a_git_source_starting_with_a_dash_is_refused(tmp_path):
    with pytest.raises(KitError, match="不能以 - 开头"):
        use("--upload-pack=touch evil", None, tmp_path)
    git("--version", cwd=tmp_path)


# -- hostile repositories: each in a process of its own, ended after a minute --------------------


def kit_use(source, folder, env=None):
    """``pbgen kit use SOURCE`` in ``folder``, as a clerk runs it (``--``: a source may look
    like an option)."""
    folder.mkdir(exist_ok=True)
    return run_pbgen("kit", "use", "--", source, cwd=folder, seconds=60, env=env)


def test_a_git_kit_with_a_link_leading_out_is_refused_before_checkout(tmp_path):
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    (kit / "forms").mkdir()
    (kit / "forms" / "common").symlink_to("/etc")
    publish(kit, repository, "1.0")
    done = kit_use("../kit.git", tmp_path / "部门")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "forms/common 是指向 kit 之外（/etc）的链接" in done.stderr
    assert "请财政局把链接换成文件本身" in done.stderr
    assert not (tmp_path / "部门" / "pbgen.toml").exists()


def test_a_git_kit_with_a_link_inside_it_keeps_the_link(tmp_path):
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    (kit / "forms" / "common").mkdir(parents=True)
    (kit / "forms" / "common" / "a.css").write_text("p { margin: 0 }", "utf-8")
    (kit / "forms" / "shared").symlink_to("common")
    publish(kit, repository, "1.0")
    (tmp_path / "部门").mkdir()
    shared = use(str(repository), None, tmp_path / "部门").new.folder / "forms" / "shared"
    assert (shared / "a.css").read_text("utf-8") == "p { margin: 0 }"


def test_a_git_kit_with_a_submodule_is_refused_and_the_submodule_never_fetched(tmp_path):
    marker = tmp_path / "fetched"
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    publish(kit, repository, "0.9")  # a commit for the submodule entry to name
    commit = git("rev-parse", "HEAD", cwd=kit).strip()
    (kit / ".gitmodules").write_text(
        f'[submodule "lib"]\n\tpath = lib\n\turl = ext::sh -c touch% {marker}\n', "utf-8"
    )
    git("add", ".gitmodules", cwd=kit)
    git("update-index", "--add", "--cacheinfo", f"160000,{commit},lib", cwd=kit)
    git("commit", "-q", "-m", "kit 1.0", cwd=kit)
    git("tag", "v1.0", cwd=kit)
    git("push", "-q", "--tags", repository, "main", cwd=kit)
    done = kit_use("../kit.git", tmp_path / "部门")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "lib 是 git 子模块：pbgen 不取子模块" in done.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "source",
    ["ext::sh -c touch% {marker}", "fd::17", "EXT::sh -c touch% {marker}", "rsync://host/kit"],
)
def test_a_source_that_would_run_a_command_or_an_odd_transport_is_refused(tmp_path, source):
    marker = tmp_path / "ran"
    done = kit_use(source.format(marker=marker), tmp_path / "部门")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "传输方式，pbgen 不用" in done.stderr and "https://" in done.stderr
    assert not marker.exists()


def test_a_source_that_looks_like_an_option_never_reaches_git(tmp_path):
    marker = tmp_path / "ran"
    done = kit_use(f"--upload-pack=touch {marker}", tmp_path / "部门")
    assert done.returncode == 2 and "不能以 - 开头" in done.stderr
    assert not marker.exists()


def test_no_hook_runs_while_a_git_kit_is_fetched(tmp_path):
    """Hooks are never fetched with a repository, but git runs those its template folder puts
    in the checkout (``init.templateDir``): pbgen's git runs none."""
    marker = tmp_path / "hooked"
    hooks = tmp_path / "template" / "hooks"
    hooks.mkdir(parents=True)
    for name in ("post-checkout", "post-merge", "reference-transaction", "post-index-change"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {marker}\n", "utf-8")
        (hooks / name).chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[init]\n\ttemplateDir = {hooks.parent}\n", "utf-8")
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    publish(kit, repository, "1.0")
    shutil.copytree(hooks, repository / "hooks", dirs_exist_ok=True)
    done = kit_use("../kit.git", tmp_path / "部门", env={"GIT_CONFIG_GLOBAL": str(config)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists(), marker.read_text()


def test_the_version_is_the_tag_never_a_branch_of_the_same_name(tmp_path):
    """A repository offering a branch ``v1.0`` beside the tag ``v1.0`` (``git clone --branch``
    takes the branch) and a tag named like an option: the kit is the tagged one."""
    marker = tmp_path / "ran"
    kit, repository = bureau_kit(tmp_path / "kit-work"), tmp_path / "kit.git"
    publish(kit, repository, "1.0")
    git("checkout", "-q", "-b", "v1.0", cwd=kit)
    (kit / "kit.yaml").write_text(
        (kit / "kit.yaml").read_text("utf-8").replace("示例县财政局", "冒充的财政局"), "utf-8"
    )
    git("commit", "-q", "-am", "impostor", cwd=kit)
    git("push", "-q", repository, "refs/heads/v1.0:refs/heads/v1.0", cwd=kit)
    head = git("rev-parse", "HEAD", cwd=kit).strip()
    git("update-ref", f"refs/tags/--upload-pack=touch${{IFS}}{marker}", head, cwd=repository)
    done = kit_use("../kit.git", tmp_path / "部门")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "示例县财政局（czj 1.0）" in done.stdout and "冒充" not in done.stdout
    assert not marker.exists()
