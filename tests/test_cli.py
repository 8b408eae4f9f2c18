"""The command line: output, exit codes 0/1/2, no traceback for user mistakes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pbgen.cli import app

from conftest import CLEAN, DATA, ROOT, project, without_draft_mark

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(map(str, args)))


def position_of(path, text: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``text`` in the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, content in enumerate(lines, 1) if text in content)
    return line, lines[line - 1].index(text) + 1


def test_clean_filing_exits_zero():
    result = run("check", CLEAN)
    assert result.exit_code == 0
    assert result.output.strip() == "检查了 1 个文件，没有发现问题。"


def test_findings_exit_one_with_file_line_column(write_filing):
    path = write_filing(lambda d: project(d).update(other="3.00"))
    result = run("check", path)
    assert result.exit_code == 1
    line, column = position_of(path, "budget: '10.00'")
    first = result.output.splitlines()[0]
    assert first.startswith(
        f"{path}:{line}:{column}: 错误 [budget-split] 项目「委员视察经费」的 预算数："
    )
    assert result.output.splitlines()[-1] == "检查了 1 个文件：1 个错误，0 个警告。"


def test_warnings_only_exit_zero(write_filing):
    path = write_filing(lambda d: project(d).update(goals=["目标内容1"]))
    result = run("check", path)
    assert result.exit_code == 0 and "警告 [placeholder]" in result.output


def test_unusable_input_exits_two_and_others_still_checked(write_filing, tmp_path):
    broken = write_filing(text="year: [\n", name="broken.yaml")
    result = run("check", broken, CLEAN)
    assert result.exit_code == 2
    assert "broken.yaml:2:1: 错误 [yaml]" in result.output
    assert "检查了 2 个文件" in result.output
    assert "Traceback" not in result.output


def test_json_format(write_filing):
    path = write_filing(lambda d: project(d).update(other="3.00"))
    result = run("check", "--format", "json", path)
    assert result.exit_code == 1
    [finding] = json.loads(result.output)
    assert finding == {
        "file": str(path),
        "line": position_of(path, "budget: '10.00'")[0],
        "column": position_of(path, "budget: '10.00'")[1],
        "rule": "budget-split",
        "severity": "error",
        "field": "项目「委员视察经费」的 预算数",
        "message": finding["message"],
    }
    assert "11.00" in finding["message"]


def test_folder_of_filings():
    result = run("check", DATA)
    assert result.exit_code == 1
    assert "检查了 6 个文件" in result.output.splitlines()[-1]


def test_empty_folder(tmp_path):
    result = run("check", tmp_path)
    assert result.exit_code == 2 and "没有绩效文本" in result.output


def test_rules_lists_every_rule():
    from pbgen.check import RULES

    result = run("rules")
    assert result.exit_code == 0
    head, *lines = result.output.splitlines()
    assert head == "按 pbgen 自带（pbgen 0.1.0） 的设置："
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == list(RULES)
    assert "参数 max_length = （不设）" in result.output


def test_schema_to_file(tmp_path):
    target = tmp_path / "s.json"
    assert run("schema", "-o", target).exit_code == 0
    assert json.loads(target.read_text("utf-8"))["title"] == "部门预算绩效文本"


def test_installed_command_runs_without_rendering_libraries():
    """The real console entry point, in a fresh process: check imports no renderer."""
    code = (
        f"import sys; from pbgen.cli import app; sys.argv=['pbgen','check',{str(CLEAN)!r}]\n"
        "try: app()\nexcept SystemExit as e: code = e.code\n"
        "heavy = [m for m in ('weasyprint','docxtpl','docx','jinja2') if m in sys.modules]\n"
        "print('HEAVY', heavy); sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout


def test_version():
    assert run("--version").output.startswith("pbgen ")


def test_render_with_own_template_copy(tmp_path):
    """--template-dir: a bureau's edited copy of templates/ is what renders, in both formats."""
    import shutil

    import docx

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    html = templates / "wenben" / "document.html.j2"
    html.write_text(html.read_text("utf-8").replace("目　录", "目　次"), "utf-8")
    word = docx.Document(templates / "wenben" / "template.docx")
    word.styles["Normal"].font.size = docx.shared.Pt(15)
    word.save(templates / "wenben" / "template.docx")

    result = run(
        "render", DATA / "leting-2024.yaml", "-o", tmp_path / "out", "--template-dir", templates
    )
    assert result.exit_code == 0, result.output
    pdf_text = subprocess.run(
        ["pdftotext", str(tmp_path / "out" / "leting-2024.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "".join(without_draft_mark(pdf_text).split()).startswith("目次第一部分")
    rendered = docx.Document(tmp_path / "out" / "leting-2024.docx")
    assert rendered.styles["Normal"].font.size == docx.shared.Pt(15)


def test_render_refuses_layout_without_data(tmp_path):
    result = run("render", DATA / "menyuan-2024.yaml", "-o", tmp_path, "--layout", "wenben")
    assert result.exit_code == 2
    assert "缺少：总体绩效目标；分项绩效目标；工作保障措施" in result.output
    assert list(tmp_path.iterdir()) == []


def test_layouts_lists_ids_names_formats_and_needs():
    result = run("layouts")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.output.splitlines() if not line.startswith(" ")]
    assert ids == ["wenben", "gongkai", "fubiao", "shenbao"]
    assert "xlsx" in result.output and "需要：" in result.output


def test_render_refuses_a_format_the_layout_lacks(tmp_path):
    result = run("render", DATA / "leting-2024.yaml", "-o", tmp_path, "--format", "xlsx")
    assert result.exit_code == 2 and "没有 xlsx 格式" in result.output
    assert list(tmp_path.iterdir()) == []


def test_render_unknown_format_and_layout(tmp_path):
    assert run("render", DATA / "leting-2024.yaml", "--format", "odt").exit_code == 2
    result = run("render", DATA / "leting-2024.yaml", "-o", tmp_path, "--layout", "baogao")
    assert result.exit_code == 2 and "gongkai（项目支出绩效目标公开表）" in result.output


def test_batch_renders_the_rest_when_one_fails(write_filing, tmp_path):
    broken = write_filing(text="year: [\n", name="broken.yaml")
    result = run(
        "render",
        DATA / "leting-2024.yaml",
        broken,
        DATA / "zunhua-2024.yaml",
        "-o",
        tmp_path / "out",
        "--format",
        "pdf",
        "--jobs",
        "2",
    )
    assert result.exit_code == 2
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*")) == [
        "leting-2024.pdf",
        "zunhua-2024.pdf",
    ]
    assert "broken.yaml:2:1: 错误 [yaml]" in result.output
    summary = result.output[result.output.index("生成结果") :]
    assert summary.count("已生成 pdf") == 2 and "已生成 2，失败 1" in summary


def test_up_to_date_outputs_are_kept_until_input_changes_or_force(tmp_path):
    import shutil

    filing = tmp_path / "leting.yaml"
    shutil.copy(DATA / "leting-2024.yaml", filing)
    out = tmp_path / "out"
    assert run("render", filing, "-o", out, "-f", "pdf").exit_code == 0
    pdf = out / "leting.pdf"
    stamp = pdf.stat().st_mtime_ns

    again = run("render", filing, "-o", out, "-f", "pdf")
    assert "已是最新 pdf" in again.output and pdf.stat().st_mtime_ns == stamp

    forced = run("render", filing, "-o", out, "-f", "pdf", "--force")
    assert "已生成 pdf" in forced.output and pdf.stat().st_mtime_ns != stamp

    filing.write_text(filing.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = run("render", filing, "-o", out, "-f", "pdf")
    assert "已生成 pdf" in edited.output


# -- the batch report, as a terminal of 80 columns and a log show it ---------------------------


def _report_rows(output: str) -> dict[str, list[str]]:
    """The report's rows by file (cells are apart by two spaces or more, never inside one),
    with a name wrapped over several lines joined back."""
    import re

    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("文件  "))
    rows: list[list[str]] = []
    for line in lines[header + 1 :]:
        cells = re.split(r"\s{2,}", line.strip())
        if rows and len(cells) == 1 and line == line.lstrip():  # the rest of a wrapped name
            rows[-1][0] += cells[0]
        else:
            rows.append(cells)
    return {row[0]: row[1:] for row in rows}


def test_batch_report_reads_whole_at_80_columns_and_in_a_log(tmp_path):
    """Names wrap instead of being cut, the formats and the check errors of every file are
    whole, totals and elapsed time close it; notices never break a path or a word."""
    import shutil

    folder = tmp_path / "filings"
    folder.mkdir()
    long_name = "乐亭县人力资源和社会保障局部门预算绩效文本-2025.yaml"
    shutil.copy(CLEAN, folder / long_name)
    shutil.copy(DATA / "leting-2024.yaml", folder / "leting-2024.yaml")
    (folder / "broken.yaml").write_text("year: [\nunits:\n", encoding="utf-8")
    pbgen = [sys.executable, "-m", "pbgen", "render", "filings", "-o", "out", "-j", "2"]
    folder = Path("filings")  # as the clerk types it, from tmp_path
    expected = {
        str(folder / long_name): ("0", "已生成 docx、pdf"),
        str(folder / "leting-2024.yaml"): ("2", "已生成 docx、pdf"),
    }
    for columns in ("80", None):
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        if columns:
            env["COLUMNS"] = columns
        done = subprocess.run(
            [*pbgen, "--force"], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert done.returncode == 2, done.stderr  # broken.yaml fails, the others render
        assert "…" not in done.stdout + done.stderr
        rows = _report_rows(done.stdout)
        for file, (errors, result) in expected.items():
            layout, pages, found, seconds, state = rows[file]
            assert (layout, found, state) == ("部门预算绩效文本", errors, result), rows[file]
            assert int(pages) > 0 and float(seconds) >= 0
        assert rows[str(folder / "broken.yaml")] == ["失败"]
        pages, errors, seconds, state = rows["合计 3 个文件"]
        assert errors == "2" and state == "已生成 2，失败 1" and float(seconds) > 0
        from pbgen.cli_frame import width

        if columns:
            assert max(width(line) for line in done.stdout.splitlines()) <= 80
            notice = f"{folder / 'leting-2024.yaml'}：检查发现 2 个错误，已照原样生成，每页标有「草稿」；运行 pbgen check"
            assert notice in done.stderr.replace("\n  ", "")
            assert f" {folder / 'leting-2024.yaml'} 查看。" in done.stderr  # a path never broken
        else:
            assert f"运行 pbgen check {folder / 'leting-2024.yaml'} 查看。" in done.stderr
            assert any(
                line.startswith(str(folder / long_name)) for line in done.stdout.splitlines()
            )


def test_check_on_a_folder_ends_with_a_table_and_hides_warnings():
    result = run("check", "-q", DATA)
    assert result.exit_code == 1
    assert "警告 [" not in result.output and "错误 [" in result.output
    lines = result.output.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("文件  ")))
    filings = sorted(DATA.glob("*.yaml"))
    table = lines[header + 1 : header + 1 + len(filings)]
    assert [line.split()[0] for line in table] == [str(path) for path in filings]
    assert lines[-1].startswith(f"检查了 {len(filings)} 个文件：") and "个警告" in lines[-1]


def test_check_never_prints_escape_sequences_from_the_filing(write_filing):
    def mutate(data):
        data["department"]["name"] = "乐亭\x1b]0;owned\x07\x1b[2J县政协\u202e"
        project(data)["name"] = "\x1b[31m红色项目"

    result = run("check", write_filing(mutate))
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\u202e" not in result.output
    assert "<U+001B>[31m红色项目" in result.output and "[invisible-character]" in result.output


def test_a_batch_skips_a_format_a_layout_lacks_with_a_notice(tmp_path):
    """`pbgen render data/ -f docx,xlsx`: every filing gets its DOCX, the 公开表 its XLSX too,
    and the others are named as having no XLSX — skipped, not failed (exit 0)."""
    result = run("render", DATA, "-o", tmp_path, "-f", "docx,xlsx")
    assert result.exit_code == 0, result.output
    filings = sorted(path.stem for path in DATA.glob("*.yaml"))
    assert sorted(path.stem for path in tmp_path.glob("*.docx")) == filings
    assert [path.stem for path in tmp_path.glob("*.xlsx")] == ["menyuan-2024"]
    (summary,) = [
        line for line in result.output.splitlines() if line.startswith("没有 xlsx 的文件")
    ]
    lacking = [str(DATA / f"{name}.yaml") for name in filings if name != "menyuan-2024"]
    assert all(file in summary for file in lacking) and "menyuan" not in summary
    assert "失败" not in result.output


def test_report_writes_the_page_and_the_summary_the_same_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = tmp_path / "1", tmp_path / "2"
    for output in (first, second):
        result = run("report", DATA, "-o", output, "-f", "html,xlsx", "--feedback")
        assert result.exit_code == 0, result.output
    assert f"已写入 {first / '审核报告.html'}" in result.output.replace(str(second), str(first))
    assert "6 份文件：通过 0，有错误 6，无法读取 0" in result.output
    written = sorted(path.relative_to(first) for path in first.rglob("*") if path.is_file())
    assert len(written) == 2 + 6
    for name in written:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    page = (first / "审核报告.html").read_text(encoding="utf-8")
    assert "生成日期</dt><dd>2023-11-14" in page
    assert all(f"data/{path.name}" in page for path in DATA.glob("*.yaml"))


def test_report_refuses_an_unknown_format(tmp_path):
    result = run("report", DATA, "-o", tmp_path, "-f", "pdf")
    assert result.exit_code == 2 and "html、xlsx" in result.output
    assert not tmp_path.joinpath("审核报告.html").exists()


def test_render_book_needs_pdf(tmp_path):
    result = run("render", DATA, "-o", tmp_path, "-f", "docx", "--book", tmp_path / "汇编.pdf")
    assert result.exit_code == 2 and "请在 --format 里加上 pdf" in result.output
    assert list(tmp_path.iterdir()) == []
