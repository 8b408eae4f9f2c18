"""``pbgen lsp`` driven over stdio as an editor drives it (tests/lsp/client.py): the clerk's
mistakes reported as ``pbgen check`` words them, at their ranges, as they are typed; each
quick fix applied and its diagnostic gone; completion inside flow mappings; hover; outline;
the preview served by the same process asking the editor to show a finding's line."""

from __future__ import annotations

import json
import queue
import re
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
import yaml

from lsp.client import Client, position, text_at
from pbgen.lsp.analysis import MAX_SHOWN
from pbgen.pipeline import check_file
from pbgen.watch import LIVE_MAX_BYTES

from conftest import CLEAN, hostile

ROW = "{name: 视察次数, value: ≥3次, basis: 年初工作计划}"
PLAN = "{3月底: 25%, 6月底: 50%, 10月底: 75%, 12月底: 100%}"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("lsp")
    started = Client(root)
    yield started
    started.close()


@pytest.fixture
def filing(client, tmp_path):
    """An open filing (the clean one), its diagnostics at version 1 empty."""
    path = tmp_path / "示例县政协-2024.yaml"
    shutil.copy(CLEAN, path)
    uri = client.open(path)
    assert client.diagnostics(uri, 1) == []
    return uri


def by_rule(diagnostics: list[dict], rule: str) -> list[dict]:
    return [d for d in diagnostics if d["code"] == rule]


def as_check_says(client: Client, uri: str, tmp_path: Path, rule: str):
    """``pbgen check`` on the same text, saved: the finding of ``rule``."""
    saved = tmp_path / "saved.yaml"
    saved.write_text(client.texts[uri], "utf-8")
    (finding,) = [f for f in check_file(saved).findings if f.rule == rule]
    return finding


MISTAKES = [
    # (what the clerk types: old → new), rule, the text the diagnostic covers
    pytest.param(
        ("{name: 视察次数, value: ≥3次", "{name: 视察及时率, value: ≥95%"),
        "indicator-misfiled",
        "{name: 视察及时率, value: ≥95%, basis: 年初工作计划}",
        id="misfiled-indicator",
    ),
    pytest.param(("value: ≥3次", "value: "), "value-empty", "value:", id="empty-value"),
    pytest.param(
        (PLAN, "{3月底: 30%, 6月底: 30%, 10月底: 30%, 12月底: 30%}"),
        "plan-incomplete",
        "12月底: 30%",
        id="non-cumulative-plan",
    ),
    pytest.param(
        (PLAN, PLAN.removesuffix("}")),
        "yaml",
        PLAN.removesuffix("}"),
        id="yaml-syntax",
    ),
    pytest.param(
        ("purpose: 组织委员开展视察。", "purpse: 组织委员开展视察。"),
        "unknown-key",
        "purpse: 组织委员开展视察。",
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("typed", "rule", "covered"), MISTAKES)
def test_a_mistake_is_reported_as_check_words_it_at_its_range(
    client, filing, tmp_path, typed, rule, covered
):
    version = client.replace(filing, *typed)
    (diagnostic,) = by_rule(client.diagnostics(filing, version), rule)
    finding = as_check_says(client, filing, tmp_path, rule)
    assert (
        diagnostic["message"] == f"{finding.field}：{finding.message}"
        if finding.field
        else (diagnostic["message"] == finding.message)
    )
    assert diagnostic["severity"] == (1 if finding.severity == "error" else 2)
    assert diagnostic["source"] == "pbgen"
    start = diagnostic["range"]["start"]
    line_text = client.texts[filing].split("\n")[finding.line - 1]
    assert (start["line"] + 1, len(line_text[: finding.column - 1].encode("utf-16-le")) // 2) == (
        finding.line,
        start["character"],
    )
    assert text_at(client.texts[filing], diagnostic["range"]).rstrip() == covered


def test_ranges_are_in_utf16_units_past_characters_outside_the_bmp(client, filing):
    """An 𠀀 (U+20000, two UTF-16 units) before the mistake moves its range by two."""
    version = client.replace(filing, "name: 委员视察经费", "name: 委员视察经费𠀀")
    version = client.replace(
        filing, "goals:\n          - 开展专题视察3次。", "goals: [𠀀, 目标内容1]"
    )
    (diagnostic,) = by_rule(client.diagnostics(filing, version), "placeholder")
    assert text_at(client.texts[filing], diagnostic["range"]) == "目标内容1"


def test_changes_are_incremental_and_checked_within_100_ms_of_the_last(client):
    from pbgen.lsp.server import DEBOUNCE

    assert client.capabilities["textDocumentSync"]["change"] == 2  # incremental
    assert client.capabilities["positionEncoding"] == "utf-16"
    assert 0 < DEBOUNCE <= 0.1


def test_a_filing_is_checked_as_typed_not_as_saved(client, filing):
    """Nothing is saved: the diagnostics follow the editor's text, keystroke by keystroke
    (a quick burst of changes is checked once, at its last text)."""
    path = Path(url2pathname(urlparse(filing).path))
    saved = path.read_text("utf-8")
    written = "{name: 委员满意度, value: ≥90%"
    for typed in ("≥", "≥9", "≥99", "≥990", "≥990%"):
        now = "{name: 委员满意度, value: " + typed
        version = client.replace(filing, written, now)
        written = now
    (diagnostic,) = by_rule(client.diagnostics(filing, version), "value-percent")
    assert "「≥990%」超过了 100%" in diagnostic["message"]
    assert path.read_text("utf-8") == saved


def test_a_yaml_file_that_is_not_a_filing_gets_no_diagnostics(client, tmp_path):
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text("stages: [test]\ncheck:\n  script: [pbgen check .]\n", "utf-8")
    assert client.diagnostics(client.open(path), 1) == []


# -- quick fixes -------------------------------------------------------------------------------


def quick_fix(client: Client, uri: str, diagnostic: dict, title: str) -> dict:
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        },
    )
    chosen = [action for action in actions if action["title"] == title]
    assert chosen, [action["title"] for action in actions]
    return chosen[0]


def fix_and_recheck(client, uri, rule, title, typed) -> tuple[list[dict], str]:
    version = client.replace(uri, *typed)
    (diagnostic,) = by_rule(client.diagnostics(uri, version), rule)
    action = quick_fix(client, uri, diagnostic, title)
    version = client.apply_edit(uri, action["edit"])
    return client.diagnostics(uri, version), client.texts[uri]


def loaded(text: str) -> dict:
    return yaml.load(text, Loader=yaml.BaseLoader)


def test_fix_the_standard_name_of_an_alias(client, filing):
    after, text = fix_and_recheck(
        client, filing, "indicator-alias", "改用标准名称「效益指标」", ("效益指标:", "效果指标:")
    )
    assert after == [] and "效果指标" not in text


def test_fix_the_standard_name_of_a_misspelt_heading(client, filing):
    after, text = fix_and_recheck(
        client, filing, "indicator-level2", "改为「质量指标」", ("质量指标:", "质量指:")
    )
    assert after == [] and text == CLEAN.read_text("utf-8")


def test_fix_moves_a_misfiled_indicator_under_the_heading_it_belongs_to(client, filing):
    """A 及时率 typed as a second row of 数量指标 moves, whole, under 时效指标."""
    misfiled = "\n              - {name: 视察及时率, value: ≥95%, basis: 年初工作计划}"
    after, text = fix_and_recheck(
        client, filing, "indicator-misfiled", "移到 时效指标 之下", (ROW, ROW + misfiled)
    )
    assert after == []
    tree = loaded(text)["units"][0]["projects"][0]["indicators"]["产出指标"]
    assert [row["name"] for row in tree["时效指标"]] == ["完成时间", "视察及时率"]
    assert [row["name"] for row in tree["数量指标"]] == ["视察次数"]


def test_fix_moves_a_lone_row_by_renaming_its_heading(client, filing):
    """The only row of 数量指标 is a 及时率: the heading becomes 时效指标 … under which a
    row already stands, so the row moves there and 数量指标 goes."""
    after, text = fix_and_recheck(
        client,
        filing,
        "indicator-misfiled",
        "移到 时效指标 之下",
        ("{name: 印刷数量, value: ≥2000册", "{name: 印刷及时率, value: ≥95%"),
    )
    tree = loaded(text)["units"][0]["projects"][1]["indicators"]["产出指标"]
    assert list(tree) == ["时效指标"] and tree["时效指标"][0]["name"] == "印刷及时率"
    assert by_rule(after, "indicator-misfiled") == []


def test_fix_moves_a_heading_under_the_first_level_it_belongs_to(client, filing):
    """时效指标 written under 效益指标: it moves, rows and all, into 产出指标's own 时效指标."""
    misplaced = (
        "          效益指标:\n            时效指标:\n"
        "              - {name: 报告报送时间, value: 2024年11月底前, basis: 年初工作计划}\n"
    )
    after, text = fix_and_recheck(
        client,
        filing,
        "indicator-level2",
        "移到 产出指标 之下",
        ("          效益指标:\n", misplaced),
    )
    assert after == []
    tree = loaded(text)["units"][0]["projects"][0]["indicators"]
    assert [row["name"] for row in tree["产出指标"]["时效指标"]] == ["完成时间", "报告报送时间"]
    assert list(tree["效益指标"]) == ["社会效益指标"]


def test_fix_makes_a_spending_plan_cumulative(client, filing):
    after, text = fix_and_recheck(
        client,
        filing,
        "plan-incomplete",
        "改为累计数：25%、50%、75%、100%",
        (PLAN, "{3月底: 25%, 6月底: 25%, 10月底: 25%, 12月底: 25%}"),
    )
    assert after == [] and PLAN in text


def test_fix_makes_full_width_digits_half_width(client, filing):
    after, text = fix_and_recheck(
        client, filing, "schema", "全角数字改为半角", ('budget: "10.00"', 'budget: "１０.００"')
    )
    assert after == [] and text == CLEAN.read_text("utf-8")


def test_fix_puts_the_space_after_a_colon(client, filing):
    after, text = fix_and_recheck(
        client, filing, "unknown-key", "在冒号后加空格", ("value: ≥3次", "value:≥3次")
    )
    assert after == [] and text == CLEAN.read_text("utf-8")


def test_fix_a_misspelt_key(client, filing):
    after, text = fix_and_recheck(
        client, filing, "unknown-key", "改为 purpose", ("purpose: 组织", "purpse: 组织")
    )
    assert after == [] and text == CLEAN.read_text("utf-8")


def test_jump_to_the_next_unfilled(client, filing):
    """「待填」 is an error; its quick fix asks the editor to show the next one."""
    client.replace(filing, "purpose: 组织委员开展视察。", "purpose: 待填")
    version = client.replace(filing, "purpose: 编印文史资料。", "purpose: 待填")
    diagnostics = by_rule(client.diagnostics(filing, version), "to-fill")
    assert [d["severity"] for d in diagnostics] == [1, 1]
    action = quick_fix(client, filing, diagnostics[0], "跳到下一个「待填」")
    command = action["command"]
    client.request(
        "workspace/executeCommand",
        {"command": command["command"], "arguments": command["arguments"]},
    )
    shown = client.server_request("window/showDocument")
    assert shown["uri"] == filing and shown["takeFocus"] is True
    assert text_at(client.texts[filing], shown["selection"]) == "待填"
    assert shown["selection"]["start"] == diagnostics[1]["range"]["start"] | {
        "character": diagnostics[1]["range"]["start"]["character"] + len("purpose: ")
    }


# -- completion, hover, outline ---------------------------------------------------------------


def complete(client: Client, uri: str, before: str) -> list[dict]:
    """Completion with the cursor right after the first ``before`` in the text."""
    text = client.texts[uri]
    line, character = position(text, text.index(before) + len(before))
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
    )
    return result["items"]


def test_completion_offers_the_frameworks_names_inside_a_flow_mapping(client, filing):
    client.replace(
        filing,
        "          产出指标:\n            数量指标:\n              - {name: 印刷数量, value: ≥2000册, basis: 年初工作计划}",
        "          产出指标: {数量指标: [{name: 印刷数量, value: ≥2000册, basis: 年初工作计划}], }",
    )
    items = complete(client, filing, "basis: 年初工作计划}], ")
    assert [item["label"] for item in items] == ["质量指标", "时效指标", "成本指标"]
    assert items[0]["textEdit"]["newText"] == "质量指标: "
    assert items[0]["detail"] == "二级指标 · 产出指标"
    rows = complete(client, filing, "{name: 印刷数量, ")
    labels = {item["label"]: item["detail"] for item in rows}
    assert labels["description"] == "绩效指标描述" and labels["remark"] == "备注"
    assert "name" not in labels and "basis" not in labels  # written in this row already


def test_completion_of_keys_values_and_units(client, filing):
    """A key half typed on its own line: the project's keys not yet written, with their
    Chinese terms; the layout's value: layout ids; after a number in a 指标值: units."""
    client.replace(filing, "编印文史资料。\n", "编印文史资料。\n        fu\n")
    items = {item["label"]: item for item in complete(client, filing, "编印文史资料。\n        fu")}
    assert (
        items["funds"]["detail"] == "项目资金"
        and items["funds"]["textEdit"]["newText"] == "funds: "
    )
    assert "budget" not in items and "purpose" not in items  # written in this project already
    client.replace(filing, "编印文史资料。\n        fu\n", "编印文史资料。\n")
    client.replace(filing, "layout: wenben", "layout: ")
    layouts = {item["label"]: item["detail"] for item in complete(client, filing, "layout: ")}
    assert (
        layouts["wenben"] == "部门预算绩效文本" and layouts["gongkai"] == "项目支出绩效目标公开表"
    )
    client.replace(filing, "value: ≥2000册", "value: ≥2000")
    units = [item["label"] for item in complete(client, filing, "value: ≥2000")]
    assert units[0] == "%" and {"次", "册", "万元"} <= set(units)  # the filing's own first


def hover(client: Client, uri: str, at: str) -> str:
    text = client.texts[uri]
    line, character = position(text, text.index(at) + 1)
    result = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
    )
    return result["contents"]["value"]


def test_hover_shows_the_chinese_term_and_the_frameworks_definition(client, filing):
    assert hover(client, filing, 'budget: "10.00"').startswith("**预算数**（`budget`）")
    assert "反映预期提供的公共产品或服务数量" in hover(client, filing, "数量指标:")
    assert "**指标值**" in hover(client, filing, "value: ≥3次")


def test_the_outline_is_units_projects_indicators(client, filing):
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": filing}})
    names = [symbol["name"] for symbol in symbols]
    assert names[:3] == ["格式版本", "预算年度", "版式"]
    (units,) = [symbol for symbol in symbols if symbol["detail"] == "units"]
    (unit,) = units["children"]
    project = unit["children"][0]
    assert (unit["name"], project["name"]) == ("示例县政协本级", "委员视察经费")
    (indicators,) = project["children"]
    output = indicators["children"][0]
    assert output["name"] == "产出指标"
    assert [row["name"] for row in output["children"][0]["children"]] == ["视察次数"]


# -- the preview ------------------------------------------------------------------------------


def test_the_preview_is_served_by_the_same_process_and_shows_a_finding_in_the_editor(
    client, filing
):
    version = client.replace(filing, "value: ≥3次", "value: ")
    client.diagnostics(filing, version)
    url = client.request(
        "workspace/executeCommand", {"command": "pbgen.preview", "arguments": [filing]}
    )["url"]
    assert url.startswith("http://127.0.0.1:")
    state = {}
    for _ in range(600):  # the first render: a few seconds at most
        with urllib.request.urlopen(url + "state") as response:
            state = json.load(response)
        if state["version"] >= 1:
            break
        time.sleep(0.1)
    assert state["editor"] is True and state["has_pdf"] is True
    (finding,) = [f for f in state["findings"] if f["rule"] == "value-empty"]
    request = urllib.request.Request(
        f"{url}show?line={finding['line']}&column={finding['column']}",
        method="POST",
        headers={"Origin": url.rstrip("/")},
    )
    urllib.request.urlopen(request).close()
    shown = client.server_request("window/showDocument")
    assert shown["uri"] == filing
    assert shown["selection"]["start"]["line"] == finding["line"] - 1
    foreign = urllib.request.Request(
        f"{url}show?line=1", method="POST", headers={"Origin": "http://example.com"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(foreign)
    assert refused.value.code == 403


# -- bounds -----------------------------------------------------------------------------------


def peak_megabytes(process) -> float:
    """The server process's own peak resident memory (its bounded worker is another process)."""
    status = Path(f"/proc/{process.pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def shown_messages(client: Client, timeout: float = 30) -> list[str]:
    """The window/showMessage texts the server sent so far (waiting up to ``timeout`` for one)."""
    said, deadline = [], time.monotonic() + timeout
    kept = []
    while not said and time.monotonic() < deadline:
        try:
            at, message = client.notifications.get(timeout=0.2)
        except queue.Empty:
            continue
        if message.get("method") == "window/showMessage":
            said.append(message["params"]["message"])
        else:
            kept.append((at, message))
    for each in kept:
        client.notifications.put(each)
    return said


def test_a_text_that_takes_gigabytes_to_check_is_checked_bounded_and_the_server_answers_on(
    tmp_path, monkeypatch
):
    """1.2 MB of one-character values (1.6 GB and 20 s to check in the server's own process,
    600,000 diagnostics) is checked in the bounded worker: stopped at its time limit, one
    diagnostic says so, the clerk is told the text is checked apart, the server stays small and
    checks the next text at once."""
    monkeypatch.setenv("PBGEN_TIME_LIMIT", "3")
    path = shutil.copy(CLEAN, tmp_path / "示例县政协-2024.yaml")
    flat = hostile().flat_filing(tmp_path / "flat.yaml", 1.2).read_text("utf-8")
    client = Client(tmp_path)
    try:
        uri = client.open(Path(path), flat)
        (said,) = shown_messages(client)
        assert "1.2 MB" in said and "256 KB" in said and "预览只检查" in said
        (stopped,) = client.diagnostics(uri, 1, timeout=60)
        assert "超过了 3 秒的时限" in stopped["message"] and "拆成几份" in stopped["message"]
        assert peak_megabytes(client.process) < 400
        end = position(flat, len(flat))
        version = client.change(uri, (0, 0), end, CLEAN.read_text("utf-8"))
        assert client.diagnostics(uri, version, timeout=10) == []
    finally:
        client.close()


def test_a_text_with_a_hundred_thousand_problems_gets_the_first_thousand_and_a_count(tmp_path):
    """0.2 MB of one-character values on one line, checked in the server's own process: 100,000
    findings, placed one by one, took minutes; the editor gets the first 1,000 and one finding
    counting the rest, in seconds."""
    path = shutil.copy(CLEAN, tmp_path / "示例县政协-2024.yaml")
    flat = hostile().flat_filing(tmp_path / "flat.yaml", 0.2).read_text("utf-8")
    client = Client(tmp_path)
    try:
        uri = client.open(Path(path), flat)
        shown = client.diagnostics(uri, 1, timeout=60)
        assert len(shown) == MAX_SHOWN + 1
        rest = re.match(
            r"还有 (\d+) 个问题没有列出（编辑器里只列前 1000 个）", shown[-1]["message"]
        )
        assert rest and int(rest[1]) > 100_000
        assert peak_megabytes(client.process) < 600
    finally:
        client.close()


def test_a_text_past_the_live_limit_is_checked_and_its_preview_not_rendered(tmp_path):
    """A clean filing of 1.5 MB (a minute or more to render): its findings come from the
    bounded worker (none), and the preview says it only checks, naming the limit."""
    path = tmp_path / "示例县政协-2024.yaml"
    text = hostile().long_filing(path, 1.5).read_text("utf-8")
    assert len(text.encode()) > LIVE_MAX_BYTES
    client = Client(tmp_path)
    try:
        uri = client.open(path, text)
        assert client.diagnostics(uri, 1, timeout=60) == []
        url = client.request(
            "workspace/executeCommand", {"command": "pbgen.preview", "arguments": [uri]}
        )["url"]
        state = {}
        deadline = time.monotonic() + 60
        while state.get("version", 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
            with urllib.request.urlopen(url + "state", timeout=10) as response:
                state = json.load(response)
        assert state["has_pdf"] is False and state["findings"] == []
        assert "预览实时生成的上限 1 MB：只检查，不生成 PDF" in state["error"]
        assert peak_megabytes(client.process) < 400
    finally:
        client.close()
