"""Money rules: each with a case that fails and a near miss that passes."""

from conftest import findings, project


def test_clean_filing_has_no_findings(write_filing):
    assert findings(write_filing()) == []


def test_budget_split_wrong(write_filing):
    found = findings(write_filing(lambda d: project(d).update(other="3.00")), "budget-split")
    assert len(found) == 1
    assert found[0].severity == "error"
    assert "8.00" in found[0].message and "3.00" in found[0].message and "11.00" in found[0].message
    assert found[0].field == "项目「委员视察经费」的 预算数"


def test_budget_split_blank_other_counts_as_zero(write_filing):
    path = write_filing(lambda d: (project(d).update(fiscal="10.00"), project(d).pop("other")))
    assert findings(path, "budget-split") == []


def test_unit_total_must_equal_projects(write_filing):
    found = findings(write_filing(lambda d: d["units"][0].update(total="16.00")), "unit-total")
    assert len(found) == 1
    assert "15.00" in found[0].message and "16.00" in found[0].message


def test_unit_total_is_optional(write_filing):
    assert findings(write_filing(lambda d: d["units"][0].pop("total")), "unit-total") == []


def test_department_total_against_income_split(write_filing):
    found = findings(
        write_filing(lambda d: d["department_budget"].update(general="59.00")), "department-budget"
    )
    assert [f.message for f in found if "按收入性质分" in f.message]


def test_department_total_against_expenditure_split(write_filing):
    found = findings(
        write_filing(lambda d: d["department_budget"].update(basic="44.00")), "department-budget"
    )
    assert len(found) == 1 and "按支出性质分" in found[0].message and "59.00" in found[0].message


def test_department_project_spending_against_projects(write_filing):
    def mutate(data):
        data["department_budget"].update(project="16.00", basic="44.00")

    found = findings(write_filing(mutate), "department-budget")
    assert len(found) == 1 and "项目支出 16.00" in found[0].message


def test_department_project_spending_derived_when_omitted(write_filing):
    path = write_filing(lambda d: d["department_budget"].pop("project"))
    assert findings(path, "department-budget") == []


def expenses(data: dict) -> list:
    return project(data)["tables"]["expense_details"]


def test_expense_details_must_add_up(write_filing):
    found = findings(
        write_filing(lambda d: expenses(d)[0].update(amount="9.50")),
        "table-total",
    )
    assert len(found) == 1 and "9.50" in found[0].message and "10.00" in found[0].message
    assert "支出明细及测算说明" in found[0].message


def test_arithmetic_in_basis_is_checked(write_filing):
    def mutate(data):
        expenses(data)[0]["basis"] = "常委会议2000元*5=1000元；提案50*200=10000元"

    found = findings(write_filing(mutate), "arithmetic")
    assert len(found) == 1
    assert "2000元*5=1000元" in found[0].message and "10000" in found[0].message


def test_arithmetic_accepts_multiplication_sign(write_filing):
    def mutate(data):
        expenses(data)[0]["detail"] = "2000元×5次=10000元"

    assert findings(write_filing(mutate), "arithmetic") == []


def test_money_precision_in_wan_yuan(write_filing):
    found = findings(
        write_filing(lambda d: project(d, 1).update(budget="5.0000001", fiscal="5.0000001")),
        "money-precision",
    )
    assert len(found) == 2  # 预算数 and 财政资金
    assert all("6 位小数" in f.message for f in found)


def test_money_precision_six_decimals_allowed_in_wan_yuan(write_filing):
    def mutate(data):
        project(data, 1).update(budget="5.000001", fiscal="5.000001")
        data["units"][0]["total"] = "15.000001"
        data["department_budget"].update(
            total="60.000001", general="60.000001", project="15.000001"
        )

    assert findings(write_filing(mutate)) == []


def test_money_precision_in_yuan(write_filing):
    def mutate(data):
        data["money_unit"] = "元"

    assert findings(write_filing(mutate), "money-precision") == []
    found = findings(
        write_filing(
            lambda d: (
                d.update(money_unit="元"),
                project(d, 1).update(budget="5.001", fiscal="5.001"),
            )
        ),
        "money-precision",
    )
    assert len(found) == 2


def test_funds_sources_add_up_and_the_year_stays_within_the_period(write_filing):
    def mutate(data):
        project(data).update(
            funds={
                "total": "30.00",
                "fiscal": "20.00",
                "other": "9.00",
                "own": {"total": "9.00", "year": "1.00"},
            }
        )

    [split] = findings(write_filing(mutate), "funds-split")
    assert "财政拨款 + 其他资金之和 29.00 不等于 30.00" in split.message
    assert split.field == "项目「委员视察经费」 › 项目资金的 资金总额（实施期）"

    def within(data):
        mutate(data)
        project(data)["funds"] = {"total": "9.00"}

    found = findings(write_filing(within), "funds-split")
    assert any("当年金额 10.00 超过了实施期总额 9.00" in f.message for f in found)


def test_funds_given_consistently_pass(write_filing):
    def mutate(data):
        project(data).update(
            funds={
                "total": "45.00",
                "fiscal": "30.00",
                "other": "15.00",
                "fiscal_upper": {"total": "10.00"},
                "fiscal_local": {"total": "20.00"},
                "own": {"total": "5.00"},
                "named": {"社会捐赠": {"total": "10.00"}},
            }
        )

    assert findings(write_filing(mutate), "funds-split") == []
