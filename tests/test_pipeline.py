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


def test_layout_by_chinese_name_and_unknown_layout_with_its_line(write_filing):
    from pbgen.load import load
    from pbgen.pipeline import check_file, choose_layout

    named = write_filing(lambda data: data.update(layout="公开表"), name="named.yaml")
    assert choose_layout(load(named)).id == "gongkai"
    unknown = write_filing(lambda data: data.update(layout="报告"), name="unknown.yaml")
    with pytest.raises(PbgenError) as raised:
        choose_layout(load(unknown))
    line = unknown.read_text(encoding="utf-8").splitlines().index("layout: 报告") + 1
    assert str(raised.value).startswith(f"{unknown}:{line}:1：没有名为「报告」的版式")
    assert "gongkai（项目支出绩效目标公开表）" in str(raised.value)
    [finding] = [f for f in check_file(unknown).findings if f.rule == "layout"]
    assert (finding.line, finding.field) == (line, "版式") and "wenben" in finding.message
