"""Tables a kit declares: where they are written, their columns, their 合计, their formulas."""

import pytest

from pbgen.check import check
from pbgen.kit import over_builtin
from pbgen.load import load

from conftest import project, write_kit

KIT = """\
id: czj
name: 示例县财政局
version: 1
tables:
  cost:
    title: 成本构成
    on: project
    sum_equals: {amount: budget}
    columns:
      - {key: item, title: 成本项目, required: true}
      - {key: amount, title: 金额, type: money}
      - {key: basis, title: 测算依据, type: formula}
      - {key: before_last, title: 前年实际支出, type: money}
      - {key: last, title: 上年实际支出, type: money}
  income:
    title: 收入构成
    on: department
    columns:
      - {key: source, title: 收入来源}
      - {key: amount, title: 当年金额, type: money}
"""
# the clean fixture's first project has 预算数 10.00 万元
ROWS = [
    {"item": "视察交通", "amount": "6.00", "basis": "2000元*15=30000元", "last": "5.5"},
    {"item": "会务", "amount": "4.00", "basis": "", "before_last": "3"},
]


@pytest.fixture
def kit(tmp_path):
    return over_builtin(write_kit(tmp_path / "kit", KIT), "test")


def found(path, kit, rule):
    return [f for f in check(load(path), kit) if f.rule == rule]


def with_cost(table):
    return lambda data: project(data).update(tables={"cost": table})


def test_a_table_as_declared_is_clean(kit, write_filing):
    path = write_filing(with_cost({"rows": ROWS, "total": {"amount": "10.00", "last": "5.50"}}))
    assert [
        f for f in check(load(path), kit) if f.rule.startswith(("table", "arith", "money"))
    ] == []


def test_a_wrong_total_is_an_error_at_its_cell(kit, write_filing):
    path = write_filing(with_cost({"rows": ROWS, "total": {"amount": "11.00"}}))
    [wrong] = found(path, kit, "table-total")
    assert wrong.severity == "error"
    assert "成本构成」的金额合计写的是 11.00，各行相加是 10.00" in wrong.message
    assert wrong.field == "项目「委员视察经费」 › 成本构成 › 合计 › 金额"


def test_rows_must_add_up_to_the_budget_when_declared(kit, write_filing):
    rows = [dict(ROWS[0], amount="7.00"), ROWS[1]]
    [wrong] = found(write_filing(with_cost(rows)), kit, "table-total")
    assert "金额各行之和 11.00 与 预算数 10.00 不符" in wrong.message


def test_formulas_in_a_table_are_worked_out(kit, write_filing):
    rows = [dict(ROWS[0], basis="2000元*15=40000元"), ROWS[1]]
    [wrong] = found(write_filing(with_cost(rows)), kit, "arithmetic")
    assert "2000 × 15 = 30000" in wrong.message


@pytest.mark.parametrize(
    "mutate, said",
    [
        (with_cost([dict(ROWS[0], price="3")]), "没有列「price」"),
        (with_cost([dict(ROWS[0], amount="六万")]), "金额应为金额数字"),
        (with_cost([dict(ROWS[0], item="")]), "「成本项目」没有填写"),
        (with_cost({"rows": ROWS, "total": {"item": "x"}}), "合计只能写金额列"),
        (lambda d: project(d).update(tables={"成本": ROWS}), "没有声明表格「成本」"),
        (lambda d: d.update(tables={"cost": ROWS}), "应写在项目一级"),
    ],
)
def test_a_table_not_as_declared(kit, write_filing, mutate, said):
    problems = found(write_filing(mutate), kit, "table-structure")
    assert len(problems) == 1 and said in problems[0].message and problems[0].line > 1


def test_a_cell_is_named_by_its_row_and_column_title(kit, write_filing):
    [problem] = found(
        write_filing(with_cost([dict(ROWS[0], amount="六万")])), kit, "table-structure"
    )
    assert problem.field == "项目「委员视察经费」 › 成本构成 › 第 1 行 › 金额"


def test_a_table_no_kit_declares_is_named_with_what_is_offered(write_filing):
    [problem] = found(write_filing(with_cost(ROWS)), None, "table-structure")
    assert "pbgen 自带（pbgen 0.1.0） 没有声明表格「cost」" in problem.message


def test_amounts_in_tables_are_to_the_fen(kit, write_filing):
    rows = [dict(ROWS[0], amount="5.9999999"), dict(ROWS[1], amount="4.0000001")]
    assert len(found(write_filing(with_cost(rows)), kit, "money-precision")) == 2
