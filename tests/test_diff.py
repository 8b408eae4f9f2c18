"""pbgen diff: changes in the document's terms, matched by name, with the line in NEW."""

import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.diff import diff_texts, outline, phrase_change

from conftest import DATA, hostile, pbgen

LETING = (DATA / "leting-2024.yaml").read_text("utf-8")


def edited(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_amount_value_and_phrase_changes_name_the_field_and_the_line():
    new = edited(
        LETING,
        ('        budget: "5.00"', '        budget: "6.00"'),
        ('{name: 宣传次数, value: "≥10",', '{name: 宣传次数, value: "≥12",'),
        ("契机，通过开展各类主题活动,发展目标", "契机，通过举办各类主题活动,发展目标"),
    )
    lines = diff_texts(LETING, new, "old.yaml", "new.yaml")
    body = "\n".join(lines)
    budget = line_of(new, 'budget: "6.00"')
    assert f"new.yaml:{budget}: 修改 项目「乐亭文史宣传研究专项经费」的 预算数：5.00 → 6.00" in body
    assert "三级指标「宣传次数」的 指标值：≥10 → ≥12" in body
    [goal] = [line for line in lines if "总体绩效目标" in line]
    assert "「开展」改为「举办」" in goal and len(goal) < 160  # the phrase, not the paragraph
    assert lines[-1] == "共 3 处：新增 0，删去 0，修改 3。"


def test_projects_and_indicators_are_matched_by_name_not_position():
    """A project moved to the end and an indicator inserted first: only what really changed."""
    first_project = LETING.index("      - code: 13022524P00J8FP10030D")
    second_project = LETING.index("      - code:", first_project + 10)
    block = LETING[first_project:second_project]
    moved = LETING[:first_project] + LETING[second_project:].rstrip("\n") + "\n" + block
    new = edited(
        moved,
        (
            "              - {name: 宣传次数,",
            "              - {name: 宣传篇数, value: ≥5篇, basis: 年初工作安排}\n"
            "              - {name: 宣传次数,",
        ),
    )
    lines = diff_texts(LETING, new, "old.yaml", "new.yaml")
    assert len(lines) == 3, lines
    assert (
        "新增 项目「乐亭文史宣传研究专项经费」 › 产出指标 › 数量指标 › 三级指标「宣传篇数」"
        in lines[1]
    )
    assert lines[1].endswith("指标值 ≥5篇")
    assert f"new.yaml:{line_of(new, '宣传篇数')}:" in lines[1]


def test_added_and_removed_projects():
    start = LETING.index("      - code: 13022524P00J8FP10030D")
    end = LETING.index("      - code:", start + 10)
    new = LETING[:start] + LETING[end:]
    lines = diff_texts(LETING, new, "old.yaml", "new.yaml")
    assert any("删去 项目「乐亭文史宣传研究专项经费」：预算数 5.00" in line for line in lines)
    back = diff_texts(new, LETING, "new.yaml", "old.yaml")
    assert any("新增 项目「乐亭文史宣传研究专项经费」：预算数 5.00" in line for line in back)


def test_comments_and_quoting_are_not_changes():
    new = edited(LETING, ("year: 2024", "year: '2024'   # 预算年度"))
    assert diff_texts(LETING, new, "a", "b") == []


def test_old_format_is_compared_after_migrating():
    old = edited(LETING, ("pbgen: 3  # 文件格式版本；升级用 pbgen migrate\n", ""))
    assert diff_texts(old, LETING, "a", "b") == []


def test_phrase_change_shows_context_from_the_new_text():
    assert phrase_change(
        "围绕县委中心工作开展调研协商活动", "围绕县委重点工作开展调研协商活动"
    ) == ("「中心」改为「重点」（围绕县委重点工作开展调研协商活动）")


def test_outline_is_in_document_terms_one_clause_a_line():
    text = outline(LETING, "x.yaml")
    assert "      项目「乐亭文史宣传研究专项经费」\n        项目编码：13022524P00J8FP10030D" in text
    assert "        预算数：5.00\n" in text
    assert "    以庆祝全国政协成立75周年为契机，\n" in text
    assert outline("repos: []\n", "x.yaml") == "repos: []\n"  # not a filing: as it is
    assert outline("year: [\nunits:", "x.yaml") == "year: [\nunits:"  # unreadable: as it is


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_cli_compares_git_revisions(tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    filing = tmp_path / "乐亭.yaml"
    filing.write_text(LETING, "utf-8")
    git("add", ".")
    git("commit", "-qm", "v1")
    filing.write_text(edited(LETING, ('        budget: "5.00"', '        budget: "6.00"')), "utf-8")
    runner = CliRunner()
    for args in ([filing], ["HEAD", filing], [f"HEAD:{filing}", filing]):
        result = runner.invoke(app, ["diff", *map(str, args)])
        assert result.exit_code == 1, result.output
        assert "预算数：5.00 → 6.00" in result.output
    git("commit", "-qam", "v2")
    same = runner.invoke(app, ["diff", str(filing)])
    assert same.exit_code == 0 and "内容相同" in same.output
    missing = runner.invoke(app, ["diff", "HEAD~5", str(filing)])
    assert missing.exit_code == 2 and "git 里找不到 HEAD~5 版本" in missing.output


def test_what_a_filing_says_is_shown_never_obeyed(tmp_path):
    """ESC, an OSC title sequence and a bidi override in a project name print as <U+…> in
    `pbgen diff` and in the outline git shows (textconv), as `pbgen check` prints them."""
    old, new = hostile().hostile_filings(tmp_path)
    for args in (("diff", old, new), ("diff", "--textconv", new)):
        done = pbgen(*args, cwd=tmp_path, seconds=60)
        assert "委员<U+001B>]0;pwned<U+0007>视察<U+001B>[31m经费<U+202E>" in done.stdout, args
        assert "\x1b" not in done.stdout + done.stderr and "\u202e" not in done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_revision_never_reaches_git_as_an_option(tmp_path):
    """`pbgen diff -- --output=F filing.yaml`: git is not told to write F (it was, as
    ``git show --output=F:./filing.yaml``); a filing named -dash.yaml compares as any other."""
    hostile().git(tmp_path, "init", "-q")
    for name in ("filing.yaml", "-dash.yaml"):
        hostile().clean_filing(tmp_path / name)
    hostile().git(tmp_path, "add", "--", "filing.yaml", "-dash.yaml")
    hostile().git(tmp_path, "commit", "-qm", "v1")
    (tmp_path / "written:.").mkdir()
    done = pbgen("diff", "--", "--output=written", "filing.yaml", cwd=tmp_path, seconds=60)
    assert done.returncode == 2 and "git 里找不到 --output=written 版本" in done.stderr
    assert list((tmp_path / "written:.").iterdir()) == []
    same = pbgen("diff", "--", "-dash.yaml", cwd=tmp_path, seconds=60)
    assert same.returncode == 0 and "内容相同" in same.stdout, same.stderr
