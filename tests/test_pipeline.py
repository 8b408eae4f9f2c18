"""Finding filings on disk."""

import pytest

from pbgen.errors import PbgenError
from pbgen.pipeline import find_filings


def test_folders_are_searched_and_sorted(tmp_path):
    (tmp_path / "b.yaml").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert find_filings([tmp_path]) == [tmp_path / "b.yaml", tmp_path / "sub" / "a.yml"]


def test_named_files_are_kept_even_when_missing(tmp_path):
    assert find_filings([tmp_path / "missing.yaml"]) == [tmp_path / "missing.yaml"]


def test_folder_without_filings(tmp_path):
    with pytest.raises(PbgenError):
        find_filings([tmp_path])
