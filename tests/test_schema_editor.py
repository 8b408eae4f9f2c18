"""The schema as a clerk's editor uses it: yaml-language-server (VS Code's YAML extension) with
the Chinese interface, reading a filing through its modeline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from editor import YamlEditor

from conftest import CLEAN, DATA, ROOT

SCHEMA = ROOT / "schema" / "filing.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA.as_uri()}\n"
HANZI = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    editor = YamlEditor(tmp_path_factory.mktemp("editor"))
    yield editor
    editor.close()


def body(path: Path) -> str:
    """The filing without its own (relative) modeline: the test names the schema absolutely."""
    return re.sub(r"^# yaml-language-server:.*\n", "", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [*sorted(DATA.glob("*.yaml")), CLEAN], ids=lambda p: p.stem)
def test_every_filing_opens_without_a_squiggle(editor, tmp_path, path):
    assert editor.open(tmp_path / path.name, MODELINE + body(path)) == []


def test_mistakes_are_flagged_in_chinese(editor, tmp_path):
    text = (
        MODELINE
        + body(CLEAN)
        .replace("year: 2024", 'year: "2024"')  # quoted: fine
        .replace('budget: "10.00"', "budget: -5")
        .replace('budget: "5.00"', "budget: 五万")
        .replace('code: "P001"', "cod: P001")
    )
    diagnostics = editor.open(tmp_path / "mistakes.yaml", text)
    lines = text.splitlines()
    flagged = {lines[d["range"]["start"]["line"]].strip().split(":")[0]: d for d in diagnostics}
    assert set(flagged) == {"budget", "- cod"}
    assert all(HANZI.search(d["message"]) for d in diagnostics), diagnostics
    assert "不带单位" in next(
        d["message"] for d in diagnostics if "五万" in lines[d["range"]["start"]["line"]]
    )
    assert "项目名称（name）" in flagged["- cod"]["message"]


def test_indicator_names_are_offered_under_their_headings(editor, tmp_path):
    text = MODELINE + (
        "year: 2024\nunits:\n  - name: 本级\n    projects:\n      - name: 甲\n        budget: 5\n"
        "        indicators:\n          产出指标:\n            \n          效益指标:\n            \n"
        "          满意度指标: {}\n          \n"
    )
    path = tmp_path / "completion.yaml"
    editor.open(path, text)

    def labels(line: int, column: int) -> set[str]:
        return {item["label"] for item in editor.completion(path, line, column)}

    assert {"数量指标", "质量指标", "时效指标", "成本指标"} <= labels(9, 12)
    assert {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"} <= labels(11, 12)
    assert {"成本指标"} <= labels(13, 10)


def test_keys_are_explained_in_chinese(editor, tmp_path):
    text = (
        MODELINE + "year: 2024\nunits:\n  - name: 本级\n    projects:\n      - name: 甲\n        \n"
    )
    path = tmp_path / "keys.yaml"
    editor.open(path, text)
    items = {item["label"]: item for item in editor.completion(path, 6, 8)}
    assert {"budget", "fiscal", "purpose", "spending_plan", "indicators"} <= set(items)
    documentation = items["budget"]["documentation"]
    assert "预算数" in (
        documentation.get("value") if isinstance(documentation, dict) else documentation
    )
    assert "预算单位" in editor.hover(path, 2, 2)
