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
