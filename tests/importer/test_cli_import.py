"""`pbgen import` on the command line: what it says, what it refuses, what it leaves to fill."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.errors import InputError
from pbgen.load import load


def bare_document(path):
    """Only 总体绩效目标: no title, no year, no department, no project table."""
    document = Document()
    document.add_paragraph("一、总体绩效目标")
    document.add_paragraph("完成全年档案接收任务。")
    document.save(path)
    return path


def test_what_the_document_lacks_is_left_as_empty_keys_to_fill(tmp_path):
    source = bare_document(tmp_path / "去年.docx")
    result = CliRunner().invoke(app, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert "原文没有、需要补上的：预算年度（year）、金额单位（money_unit）" in result.output
    text = (tmp_path / "去年.yaml").read_text("utf-8")
    assert "year:  # 待填：预算年度，如 2025（或导入时加 --year 2025）" in text.splitlines()
    assert "overall_goal: 完成全年档案接收任务。" in text
    try:
        load(tmp_path / "去年.yaml")
    except InputError as error:
        messages = {(f.line, f.message) for f in error.findings}
    year_line = text.splitlines().index(
        "year:  # 待填：预算年度，如 2025（或导入时加 --year 2025）"
    )
    assert (year_line + 1, "这一项是空的，请填写。") in messages


def test_year_and_department_from_the_command_line(tmp_path):
    source = bare_document(tmp_path / "去年.docx")
    out = tmp_path / "档案馆.yaml"
    result = CliRunner().invoke(
        app, ["import", str(source), "-o", str(out), "--year", "2025", "--department", "某档案馆"]
    )
    assert result.exit_code == 0, result.output
    assert "year: 2025" in out.read_text("utf-8").splitlines()
    assert "  name: 某档案馆" in out.read_text("utf-8").splitlines()


def test_refusals(tmp_path):
    source = bare_document(tmp_path / "去年.docx")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    again = runner.invoke(app, ["import", str(source)])
    assert again.exit_code == 2 and "已存在" in again.output and "--force" in again.output
    assert runner.invoke(app, ["import", str(source), "--force"]).exit_code == 0
    old = tmp_path / "旧.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")  # not even the 8 bytes every Word 97 file begins with
    refused = runner.invoke(app, ["import", str(old)])
    assert refused.exit_code == 2 and f"{old}：不是 Word 文件" in refused.output
    missing = runner.invoke(app, ["import", str(tmp_path / "没有.docx")])
    assert missing.exit_code == 2 and "找不到文件" in missing.output


def test_a_folder_one_line_each_and_json(tmp_path):
    """A bureau's folder: one line per document, a document that cannot be read said so
    (exit 2) without stopping the others; --json gives the same as data."""
    folder = tmp_path / "各部门"
    folder.mkdir()
    for name in ("甲局", "乙局"):
        bare_document(folder / f"{name}.docx")
    (folder / "丙局.docx").write_text("不是文档")
    (folder / ".git").mkdir()
    bare_document(folder / ".git" / "不算.docx")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", str(folder), "-o", str(out), "--year", "2025"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 4 and lines[-1] == "共 3 个文件：导入 2 个，不能导入 1 个。"
    assert lines[0].startswith(f"{folder / '丙局.docx'}：不能导入。不是 Word 文件")
    assert lines[1].startswith(f"{folder / '乙局.docx'} → {out / '乙局.yaml'}：")
    assert sorted(p.name for p in out.glob("*.yaml")) == ["乙局.yaml", "甲局.yaml"]
    data = json.loads(
        CliRunner().invoke(app, ["import", str(folder), "-o", str(out), "--force", "--json"]).output
    )
    assert [Path(item["file"]).name for item in data] == ["丙局.docx", "乙局.docx", "甲局.docx"]
    assert "error" in data[0] and data[1]["layout"] == "wenben" and data[1]["comments"] == 0
    assert data[1]["missing"] == [
        "预算年度（year）",
        "金额单位（money_unit）",
        "预算单位和项目（units）",
        "部门名称（department.name）",
    ]
