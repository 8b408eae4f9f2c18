"""A layout (or kit) folder is a jail: nothing it reads lies outside it, its common/ or pbgen's
own templates. Each hostile folder is used by `pbgen` in a process of its own, with a time
limit: a named pipe must not hang it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pbgen.jail import OutsideFolder, check_folder, layout_roots
from pbgen.pipeline import TEMPLATES

from conftest import hostile, pbgen

SECRET = hostile().SECRET


def test_a_cloned_repository_whose_common_leads_out_prints_nothing_of_it(tmp_path):
    """forms/common -> ~/.ssh in a cloned repository: `pbgen render` refuses, naming the link;
    no PDF is written; `pbgen check` says so at the filing's layout."""
    filing = hostile().cloned_repository(tmp_path)
    done = pbgen("render", filing.name, "-o", "out", "-f", "pdf", cwd=filing.parent, seconds=120)
    assert done.returncode == 2, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "forms/common" in output and "已拒绝" in output
    assert SECRET not in output and "Traceback" not in output
    assert not list((filing.parent / "out").glob("*.pdf"))
    check = pbgen("check", filing.name, cwd=filing.parent, seconds=120)
    assert "[layout]" in check.stdout and "forms/common" in check.stdout
    assert check.returncode == 1


def layout_copy(tmp_path: Path) -> Path:
    """A --template-dir holding a copy of the 绩效文本 layout and its common/."""
    forms = tmp_path / "forms"
    shutil.copytree(TEMPLATES / "wenben", forms / "wenben")
    shutil.copytree(TEMPLATES / "common", forms / "common")
    return forms


def render(forms: Path, tmp_path: Path, *formats: str):
    filing = hostile().clean_filing(tmp_path / "filing.yaml")
    return pbgen(
        "render", filing, "-o", tmp_path / "out", "--template-dir", forms, "-f", ",".join(formats),
        cwd=tmp_path, seconds=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    "entry", ["wenben/template.docx", "wenben/manifest.yaml", "wenben/style.css", "common/base.css"]
)
def test_a_file_of_a_layout_that_links_out_is_refused(tmp_path, entry):
    """The Word template, the manifest, a stylesheet, a shared file: each a link to a file
    outside is refused before anything is read, with the link named."""
    forms = layout_copy(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (forms / entry).unlink()
    (forms / entry).symlink_to(secret)
    done = render(forms, tmp_path, "pdf", "docx")
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert entry in output and str(secret) in output and "已拒绝" in output
    assert SECRET not in output and "Traceback" not in output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_named_pipe_in_a_layout_is_refused_not_waited_on(tmp_path):
    forms = layout_copy(tmp_path)
    (forms / "wenben" / "style.css").unlink()
    os.mkfifo(forms / "wenben" / "style.css")
    done = render(forms, tmp_path, "pdf")
    assert done.returncode == 2
    assert "style.css" in done.stderr and "特殊文件" in done.stderr


def test_a_symlink_loop_in_a_layout_is_a_message(tmp_path):
    forms = layout_copy(tmp_path)
    (forms / "wenben" / "loop.css").symlink_to("loop.css")
    done = render(forms, tmp_path, "pdf")
    assert done.returncode == 2
    assert "loop.css" in done.stderr and "循环" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_links_that_stay_inside_are_used(tmp_path):
    """A layout's file may link into its common/ or pbgen's templates, and common/ may be a
    link to a folder beside it: all stay inside."""
    forms = layout_copy(tmp_path)
    shutil.move(forms / "common", forms / "shared")
    (forms / "common").symlink_to("shared", target_is_directory=True)
    css = forms / "wenben" / "style.css"
    shutil.move(css, forms / "shared" / "wenben.css")
    css.symlink_to(Path("..") / "shared" / "wenben.css")
    (forms / "wenben" / "template.docx").unlink()
    (forms / "wenben" / "template.docx").symlink_to(TEMPLATES / "wenben" / "template.docx")
    done = render(forms, tmp_path, "pdf", "docx")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / "filing.pdf").is_file()


def test_check_folder_for_a_kit(tmp_path):
    """What the kits call: a folder holding only files, folders and links inside passes (its
    real path returned); hard links are not judged (uv hard-links installed wheels)."""
    kit = tmp_path / "kit"
    (kit / "layouts" / "a").mkdir(parents=True)
    (kit / "layouts" / "a" / "style.css").write_text("p {}", encoding="utf-8")
    (kit / "layouts" / "b").symlink_to("a", target_is_directory=True)
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET, encoding="utf-8")
    os.link(outside, kit / "hard.txt")
    assert check_folder(kit) == kit.resolve()
    (kit / "layouts" / "c.css").symlink_to(outside)
    with pytest.raises(OutsideFolder, match=r"c\.css"):
        check_folder(kit)
    assert check_folder(kit, may_read=[tmp_path]) == kit.resolve()


def test_a_folder_with_too_many_entries_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("pbgen.jail.MAX_ENTRIES", 5)
    for number in range(6):
        (tmp_path / f"{number}.css").write_text("", encoding="utf-8")
    with pytest.raises(OutsideFolder, match="超过 5 个"):
        check_folder(tmp_path)


def test_a_layout_without_common_reads_pbgens(tmp_path):
    shutil.copytree(TEMPLATES / "wenben", tmp_path / "wenben")
    own, shared = layout_roots(tmp_path / "wenben")
    assert own == (tmp_path / "wenben").resolve() and shared == (TEMPLATES / "common").resolve()
