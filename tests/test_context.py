"""The one context every layout's templates get, and its documentation for template authors."""

import json

import yaml
from test_cli import run

from pbgen.context import build_context
from pbgen.layouts import builtin_templates, find_layout
from pbgen.load import load

from conftest import DATA, FIXTURES, project

RICH = FIXTURES / "hubei-filing.yaml"


def paths(value, prefix=""):
    """Every key path of a context, lists as ``[]``: title, projects[].funds.total.year, …"""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            if path != "units[].projects":  # the same entries as projects[]
                yield from paths(item, path)
    elif isinstance(value, list):
        for item in value:
            yield from paths(item, f"{prefix}[]")


def test_every_variable_is_documented_for_template_authors(write_filing):
    def mutate(data):
        data["extra"] = {"备案号": "A1"}
        data["department"]["extra"] = {"主管部门联系人": "李四"}
        data["units"][0]["extra"] = {"单位类型": "行政"}
        project(data).update(
            extra={"项目类别": "基础建设类"},
            schedule=[{"task": "启动", "start": "1月", "end": "3月"}],
            overview={"basis": "文件", "feasibility": "可行", "necessity": "必要"},
            funds={"total": "10.00", "named": {"社会捐赠": {"total": "1", "year": "1"}}},
        )

    documented = (builtin_templates() / "CONTEXT.md").read_text(encoding="utf-8")
    filings = [
        (load(write_filing(mutate)).filing, "fubiao"),
        (load(DATA / "shanhaiguan-2020.yaml").filing, "wenben"),
        (load(RICH).filing, "wenben"),
    ]
    found = {
        path
        for filing, layout in filings
        for path in paths(build_context(filing, find_layout(layout)))
    }
    assert sorted(path for path in found if f"`{path}`" not in documented) == []


def test_both_trees_have_rows_with_merge_spans_and_the_grid_pairs_them():
    context = build_context(load(RICH).filing, find_layout("wenben"))
    first = context["projects"][0]
    assert [row["level1_span"] for row in first["period_indicators"]] == [3, 0, 0, 1, 1]
    assert [row["level2_span"] for row in first["indicators"]][:2] == [1, 1]
    grid = first["indicator_grid"]
    assert grid[2]["period"]["name"] == "培训合格率" and grid[2]["year"]["name"] == ""
    assert first["funds"]["total"] == {"name": "资金总额", "total": "120.00", "year": "40.00"}
    assert first["period"] == "2024年1月至2026年12月" and first["unit"]["name"] == "示例区政协机关"
    assert context["title"] == "示例区政协2024年部门预算绩效文本"


def test_pbgen_context_prints_what_a_filing_gives_a_layout():
    shown = run("context", str(DATA / "leting-2024.yaml"), "--layout", "gongkai")
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("# pbgen context")
    data = yaml.safe_load(shown.output)
    assert data["layout"]["id"] == "gongkai" and data["rows"][0]["name"] == "合计"
    as_json = json.loads(run("context", str(DATA / "leting-2024.yaml"), "-f", "json").output)
    assert as_json["toc"][0]["text"] == "第一部分 部门整体绩效目标"
    assert run("context", str(DATA / "leting-2024.yaml"), "--layout", "nope").exit_code == 2
