"""Finding filings on disk: by content, outside dot-folders, honouring .gitignore."""

import shutil
import subprocess

import pytest

from pbgen.errors import PbgenError
from pbgen.pipeline import find_filings, is_filing

from conftest import CLEAN, DATA

FILING = "year: 2024\nunits: []\n"


def test_folders_are_searched_and_sorted(tmp_path):
    (tmp_path / "b.yaml").write_text(FILING)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(FILING)
    (tmp_path / "notes.txt").write_text(FILING)
    assert find_filings([tmp_path]) == [tmp_path / "b.yaml", tmp_path / "sub" / "a.yml"]


def test_named_files_are_kept_even_when_missing(tmp_path):
    assert find_filings([tmp_path / "missing.yaml"]) == [tmp_path / "missing.yaml"]


def test_named_file_is_taken_whatever_it_holds(tmp_path):
    other = tmp_path / "ci.yml"
    other.write_text("jobs: {}\n")
    assert find_filings([other]) == [other]


def test_folder_without_filings(tmp_path):
    with pytest.raises(PbgenError, match="没有绩效文本"):
        find_filings([tmp_path])


def test_a_filing_is_told_by_its_content(tmp_path):
    modeline = tmp_path / "modeline.yaml"
    modeline.write_text("# yaml-language-server: $schema=../schema/filing.schema.json\n")
    versioned = tmp_path / "versioned.yaml"
    versioned.write_text("pbgen: 2\n")
    keys = tmp_path / "keys.yaml"
    keys.write_text("money_unit: 万元\ndepartment:\n  name: x\n")
    workflow = tmp_path / "workflow.yml"
    workflow.write_text("name: CI\non: [push]\njobs:\n  check:\n    runs-on: x\n")
    config = tmp_path / "config.yaml"
    config.write_text("repos:\n  - repo: local\n    hooks: []\nyear: 2024\n")
    assert [is_filing(p) for p in (modeline, versioned, keys, workflow, config)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert all(is_filing(path) for path in [*DATA.glob("*.yaml"), CLEAN])


def test_dot_folders_and_configs_are_skipped(tmp_path):
    """A department repository: CI and pre-commit configuration are YAML, not filings."""
    shutil.copy(CLEAN, tmp_path / "filing.yaml")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("jobs: {}\nname: x\n")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(CLEAN, tmp_path / ".hidden" / "copy.yaml")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    (tmp_path / ".gitlab-ci.yml").write_text("stages: [check]\n")
    assert find_filings([tmp_path]) == [tmp_path / "filing.yaml"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_gitignored_files_are_skipped(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("drafts/\nold-*.yaml\n")
    for name in ("filing.yaml", "old-2023.yaml", "drafts/x.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(CLEAN, tmp_path / name)
    assert find_filings([tmp_path]) == [tmp_path / "filing.yaml"]
