"""The context a layout's templates get — the filing's fields, its projects and the sections
its manifest names — as plain data, and its documentation for template authors."""

import json
import re

import pytest
import yaml
from test_cli import run

from pbgen.context import SECTIONS, build_context
from pbgen.layouts import builtin_templates, find_layout
from pbgen.load import load
from pbgen.manifest import SECTIONS as SECTION_NAMES

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


def generic(path: str) -> str:
    """A path through a kit's tables and texts as CONTEXT.md writes it: the names are the
    kit's (``tables.<表名>.rows[].<列名>``, ``texts.<栏目>``)."""
    path = re.sub(r"\btables\.[^.\[]+", "tables.<表名>", path)
    path = re.sub(r"(tables\.<表名>\.(?:rows\[\]|lines\[\]|total))\.[^.\[]+", r"\1.<列名>", path)
    return re.sub(r"\btexts\.[^.\[]+", "texts.<栏目>", path)


def test_every_variable_is_documented_for_template_authors(write_filing):
    def mutate(data):
        data["extra"] = {"备案号": "A1"}
        data["department"]["extra"] = {"主管部门联系人": "李四"}
        data["units"][0]["extra"] = {"单位类型": "行政"}
        project(data).update(
            extra={"项目类别": "基础建设类"},
            tables={"expense_details": [{"content": "会议", "amount": "10.00"}]},
            schedule=[{"task": "启动", "start": "1月", "end": "3月"}],
            overview={"basis": "文件", "feasibility": "可行", "necessity": "必要"},
            funds={"total": "10.00", "named": {"社会捐赠": {"total": "1", "year": "1"}}},
        )

    documented = (builtin_templates() / "CONTEXT.md").read_text(encoding="utf-8")
    filings = [
        (load(write_filing(mutate)).filing, "fubiao"),
        (load(DATA / "shanhaiguan-2020.yaml").filing, "wenben"),
        (load(RICH).filing, "wenben"),
        (load(DATA / "menyuan-2024.yaml").filing, "gongkai"),
        (load(DATA / "zhuxi-2024-shenbao.yaml").filing, "shenbao"),
        (load(DATA / "shifeng-2023.yaml").filing, "fubiao"),
    ]
    found = {
        generic(path)
        for filing, layout in filings
        for path in paths(build_context(filing, find_layout(layout)))
    }
    assert sorted(path for path in found if f"`{path}`" not in documented) == []
    # and the other way round: every variable the tables document is given
    variables = documented[documented.index("## 文件与部门") :]
    listed = set(re.findall(r"^\| `([^`]+)` \|", variables, re.M))
    set_by_the_pdf = {"rows[].page_start"}  # where a row begins a page: known once laid out
    assert sorted(listed - found - set_by_the_pdf) == []


def test_the_sections_are_the_ones_a_manifest_may_name():
    assert tuple(SECTIONS) == SECTION_NAMES


@pytest.mark.parametrize(
    ("layout", "sections"), [("wenben", {"toc", "part1"}), ("gongkai", {"rows", "columns"})]
)
def test_a_layout_gets_the_sections_its_manifest_names_and_no_other(layout, sections):
    """The 公开表 of 5000 projects is not also laid out as a 绩效文本's 目录 and 附表."""
    context = build_context(load(DATA / "leting-2024.yaml").filing, find_layout(layout))
    others = {"toc", "part1", "rows", "columns", "department_sheet", "directions"} - sections
    assert sections <= set(context) and not others & set(context)
    assert context["projects"][0]["name"] == "乐亭文史宣传研究专项经费"  # every layout has them


def plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(plain(item) for item in value)
    return value is None or isinstance(value, str | int | float | bool)


@pytest.mark.parametrize("filing", sorted(path.name for path in DATA.glob("*.yaml")))
@pytest.mark.parametrize("layout", [None, "wenben", "gongkai", "fubiao", "shenbao"])
def test_pbgen_context_is_plain_data_in_json_and_yaml(filing, layout):
    """Every filing of data/ in every layout (a 申报表's 项目起止时间 included, given as its text
    and its start and end): read back by any JSON or YAML reader, plain types only."""
    chosen = ["--layout", layout] if layout else []
    as_json = run("context", str(DATA / filing), *chosen, "-f", "json")
    as_yaml = run("context", str(DATA / filing), *chosen)
    assert as_json.exit_code == 0 and as_yaml.exit_code == 0, as_json.output + as_yaml.output
    data = json.loads(as_json.output)
    assert plain(data) and data == yaml.safe_load(as_yaml.output)
    assert data["projects"] and all("period" in project for project in data["projects"])


def test_a_period_is_given_as_text_and_as_its_start_and_end():
    context = build_context(load(DATA / "zhuxi-2024-shenbao.yaml").filing, find_layout("fubiao"))
    project, direction = context["projects"][0], context["directions"][0]
    assert (project["start"], project["end"]) == ("2023年1月", "2025年12月")
    assert project["period"] == direction["period"] == "2023年1月至2025年12月"


def test_an_empty_level2_heading_is_a_row_with_empty_cells(write_filing):
    """A form's 长期 column prints the heading with nothing under it yet."""

    def mutate(data):
        project(data)["period_indicators"] = {"产出指标": {"数量指标": [], "质量指标": []}}

    context = build_context(load(write_filing(mutate)).filing, find_layout("shenbao"))
    rows = context["projects"][0]["period_indicators"]
    assert [(r["level1"], r["level2"], r["name"], r["value"]) for r in rows] == [
        ("产出指标", "数量指标", "", ""),
        ("产出指标", "质量指标", "", ""),
    ]
    assert [(r["level1_span"], r["level2_span"]) for r in rows] == [(2, 1), (0, 1)]
    grid = context["projects"][0]["indicator_grid"]
    assert [row["period"]["level2"] for row in grid if row["level1"] == "产出指标"][:2] == [
        "数量指标",
        "质量指标",
    ]


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
