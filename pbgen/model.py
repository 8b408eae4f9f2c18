"""The filing model: one YAML file = one 部门预算绩效 filing.

Every field carries its Chinese term as ``title``: error messages, the JSON Schema and the
editor completion all speak the document's own language. Unknown keys are errors, money is
``Decimal`` kept as written, and whatever can be derived (totals, numbering, seed 004's
per-project 分项绩效目标) is computed here or in ``context``, never typed twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

# The format of a filing (its ``pbgen:`` key). A renamed key raises it; pbgen/migrate.py
# upgrades older filings.
FORMAT = 3

# -- scalar types ---------------------------------------------------------------------------

# The loader hands every scalar over as the string the author wrote. In the JSON Schema a text
# may also be a number, because editors read `100` in YAML as a number.
Text = Annotated[str, WithJsonSchema({"type": ["string", "number"]})]


# ASCII digits only: Python's \d and Decimal also take full-width ５.００ and read it as 5.00,
# so a number would not be kept as written.
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _full_width_hint(value: str) -> str:
    """「；请改成半角 5.00」 when the text holds full-width (or other non-ASCII) digits."""
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        return f"；其中有全角数字，请改成半角：{unicodedata.normalize('NFKC', value).strip()}"
    return ""


def _plain_decimal(value: Any) -> Any:
    """Amounts are plain decimals: Python would also read ``7_00`` as 700 and ``3e1`` as 30,
    which is never what a clerk meant."""
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value.strip()):
        raise ValueError(
            f"应为金额数字，如 700 或 5.00，写的是「{value}」"
            "（只写数字和小数点：不能有下划线、科学计数法 e、千位逗号或单位）"
            + _full_width_hint(value)
        )
    return value.strip() if isinstance(value, str) else value


def _strip_percent(value: Any) -> Any:
    """A share of the budget: 25% or 25 — told as a percentage, not as an amount."""
    if isinstance(value, str):
        number = value.strip().removesuffix("%").removesuffix("％").strip()
        if number and not PLAIN_DECIMAL.fullmatch(number):
            raise ValueError(
                f"应为百分数，如 25% 或 25，写的是「{value}」{_full_width_hint(value)}"
            )
        return number or None
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_plain_decimal),
    Field(ge=0, allow_inf_nan=False),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "pattern": r"^\d+(\.\d+)?$",
            "minimum": 0,
            "patternErrorMessage": "金额写成数字，如 5.00 或 528.244101：不带单位、千位逗号或空格，不为负数。",
        }
    ),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_strip_percent),
    Field(allow_inf_nan=False),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "pattern": r"^\s*-?\d+(\.\d+)?\s*%?$",
            "patternErrorMessage": "累计支出进度写成百分数，如 25% 或 25。",
        }
    ),
]


# A year may be quoted ("2024") or not: pbgen reads both the same.
YEAR_SCHEMA = {
    "type": ["integer", "string"],
    "minimum": 2000,
    "maximum": 2100,
    "pattern": r"^\s*20\d\d\s*$",
    "patternErrorMessage": "预算年度写四位数字，如 2024。",
}


def _as_list(value: Any) -> Any:
    """An empty key means an empty list; a single text means a one-item list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


def _as_object(key: str):
    """Shorthand: a bare text or list stands for the object's main field."""

    def wrap(value: Any) -> Any:
        return {key: value} if isinstance(value, str | list) else value

    return wrap


class Record(BaseModel):
    """Base of every part of a filing: unknown keys are errors, nothing changes after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


# -- indicators -------------------------------------------------------------------------------


class Indicator(Record):
    """One 三级指标 row of a 绩效目标表."""

    name: Text = Field(title="三级指标", description="指标名称，如「宣传次数」。")
    description: Text | None = Field(
        None, title="绩效指标描述", description="对指标的说明；不填时与三级指标相同。"
    )
    value: Text | None = Field(
        None,
        title="指标值",
        description="按原文填写，如「≥10次」「≥90%」「2024年12月31日前完成」。",
    )
    basis: Text | None = Field(None, title="指标值确定依据", description="如「年初工作安排」。")
    standard: Text | None = Field(None, title="绩效标准", description="如「行业标准」（附表3）。")
    remark: Text | None = Field(None, title="备注", description="申报表指标表的备注栏。")

    @property
    def shown_description(self) -> str:
        return self.description if self.description is not None else self.name


IndicatorTree = Annotated[
    dict[str, dict[str, list[Indicator]]],
    Field(
        title="绩效指标",
        description="一级指标 → 二级指标 → 三级指标列表，如 产出指标: {数量指标: [...]}。"
        "一级、二级名称按所选指标体系检查。",
    ),
]

# -- what a region adds ---------------------------------------------------------------------

Extra = Annotated[
    dict[str, Text],
    Field(
        title="其他栏目",
        description="本地区表格特有、别处没有的栏目：中文标签 → 内容，如 {项目类别: 基础建设类}。"
        "版式可按标签印出（见 templates/CONTEXT.md 的 extra）。",
    ),
]

# -- tables a kit declares ---------------------------------------------------------------


def _as_table(value: Any) -> Any:
    """Shorthand: a bare list is the table's rows."""
    return {"rows": value} if isinstance(value, list) else value


class Table(Record):
    """A table whose columns a kit declares (``tables:`` in its kit.yaml): one mapping per row,
    column key → text as written. Money columns are summed; a 合计 written here is checked
    against the sum, one left out is derived."""

    rows: Annotated[
        list[dict[str, Text | None]],
        BeforeValidator(_as_list, json_schema_input_type=list[dict[str, Text | None]] | None),
    ] = Field(default_factory=list, title="各行", description="每行一项：列名 → 内容。")
    total: dict[str, Text | None] | None = Field(
        None,
        title="合计",
        description="合计行，如 {amount: 5.00}：写了就核对，不写由 pbgen 计算。",
    )


Tables = Annotated[
    dict[
        str,
        Annotated[
            Table,
            BeforeValidator(_as_table, json_schema_input_type=Table | list[dict[str, Text]]),
        ],
    ],
    Field(
        title="表格",
        description="kit 声明的表格：表名 → 各行（每行 列名: 内容），如 "
        "{cost: [{item: 会议费, amount: 2.00}]}；表名与列名见 kit 的 kit.yaml（pbgen kit show）。",
    ),
]

# -- money and plans ----------------------------------------------------------------------


class SpendingPlan(Record):
    """资金支出计划（%）: cumulative share of the budget spent by each date; blanks allowed."""

    mar: Percent | None = Field(
        None, alias="3月底", title="3月底", description="到3月底累计支出占预算数的百分比，如 25%。"
    )
    jun: Percent | None = Field(
        None, alias="6月底", title="6月底", description="到6月底累计支出占预算数的百分比，如 50%。"
    )
    oct: Percent | None = Field(
        None,
        alias="10月底",
        title="10月底",
        description="到10月底累计支出占预算数的百分比，如 75%。",
    )
    dec: Percent | None = Field(
        None,
        alias="12月底",
        title="12月底",
        description="到12月底累计支出占预算数的百分比，全年应为 100%。",
    )

    def entries(self) -> list[tuple[str, Decimal | None]]:
        return [
            (info.alias or name, getattr(self, name))
            for name, info in type(self).model_fields.items()
        ]


class FundPair(Record):
    """One source of a project's money: over the whole 实施期 and in the budget year."""

    total: Money | None = Field(None, title="实施期金额", description="项目实施期内的总额。")
    year: Money | None = Field(None, title="当年金额", description="预算年度的金额。")


class Funds(Record):
    """项目资金 of the 申报表: 资金总额 and its sources, for the whole 实施期 and for the year.

    The year's 资金总额, 财政拨款 and 其他资金 are the project's ``budget``, ``fiscal`` and
    ``other``: they are not typed again here."""

    total: Money | None = Field(
        None,
        title="资金总额（实施期）",
        description="项目实施期内的资金总额；当年资金总额即项目的 budget（预算数）。",
    )
    fiscal: Money | None = Field(
        None,
        title="财政拨款（实施期）",
        description="实施期内的财政拨款；当年财政拨款即项目的 fiscal（财政资金）。",
    )
    fiscal_upper: FundPair | None = Field(
        None,
        title="其中：上级财政拨款",
        description="财政拨款中来自上级财政的部分：实施期总额和当年金额。",
    )
    fiscal_local: FundPair | None = Field(
        None,
        title="其中：本级财政拨款",
        description="财政拨款中本级财政安排的部分：实施期总额和当年金额。",
    )
    other: Money | None = Field(
        None,
        title="其他资金（实施期）",
        description="实施期内财政拨款以外的资金；当年其他资金即项目的 other。",
    )
    own: FundPair | None = Field(None, title="自有资金", description="其他资金中的自有资金。")
    business: FundPair | None = Field(None, title="事业收入", description="其他资金中的事业收入。")
    operating: FundPair | None = Field(None, title="经营收入", description="其他资金中的经营收入。")
    named: dict[str, FundPair] = Field(
        default_factory=dict,
        title="其他来源",
        description="其他资金中另有名称的来源：名称 → {total, year}，如 {社会捐赠: {year: 2}}。",
    )


class Period(Record):
    """项目起止时间, as the author writes the dates (2024年1月, 2024-01-01)."""

    start: Text = Field(title="开始时间", description="如「2024年1月」。")
    end: Text = Field(title="完成时间", description="如「2026年12月」。")


class Overview(Record):
    """项目概况 of the 申报表."""

    basis: Text | None = Field(None, title="立项依据", description="每行一段。")
    feasibility: Text | None = Field(None, title="可行性", description="每行一段。")
    necessity: Text | None = Field(None, title="必要性", description="每行一段。")


class ScheduleItem(Record):
    """One row of 实施进度计划."""

    task: Text = Field(title="实施内容", description="这一阶段要做的事。")
    start: Text | None = Field(None, title="开始时间", description="如「2024年3月」。")
    end: Text | None = Field(None, title="完成时间", description="如「2024年6月」。")


class Project(Record):
    """One budget project and its 绩效目标表 (or 申报表)."""

    code: Text | None = Field(
        None,
        title="项目编码",
        description="预算系统中的项目编码，如 13022524P00J8FP10030D；按原样保留（以 0 开头也不会丢）。",
    )
    name: Text = Field(
        title="项目名称", description="项目全称；表题「N.项目名称绩效目标表」由此生成。"
    )
    attribute: Text | None = Field(
        None, title="项目属性", description="如「新增」「延续」，或「基础建设类」等类别。"
    )
    manager: Text | None = Field(None, title="项目负责人", description="申报表中的项目负责人姓名。")
    phone: Text | None = Field(None, title="联系电话", description="项目负责人的联系电话。")
    budget: Money = Field(
        title="预算数",
        description="预算年度的项目金额（申报表的当年资金总额），单位见 money_unit。",
    )
    fiscal: Money | None = Field(
        None, title="财政资金", description="预算数中的财政资金（申报表的当年财政拨款）。"
    )
    other: Money | None = Field(
        None, title="其他资金", description="预算数中的其他资金（申报表的当年其他资金）。"
    )
    funds: Funds | None = Field(
        None,
        title="项目资金",
        description="申报表：实施期资金总额，及各来源（财政拨款、自有资金、事业收入……）的"
        "实施期金额与当年金额。",
    )
    purpose: Text | None = Field(
        None, title="资金用途", description="预算规模及资金用途的说明文字。"
    )
    spending_plan: SpendingPlan | None = Field(
        None, title="资金支出计划（%）", description="累计支出进度，12月底应为 100。"
    )
    goal_intro: Text | None = Field(
        None, title="绩效目标引言", description="编号目标之前的一段不编号文字（可省略）。"
    )
    goals: Annotated[
        list[Text], BeforeValidator(_as_list, json_schema_input_type=list[Text] | Text | None)
    ] = Field(
        default_factory=list, title="绩效目标", description="年度绩效目标，逐条列出，编号自动生成。"
    )
    indicators: IndicatorTree = Field(default_factory=dict)
    special_fund: Text | None = Field(
        None, title="所属专项", description="附表：子项所属专项的名称；不填时与项目名称相同。"
    )
    period: Annotated[
        Period | Text | None,
        Field(
            title="项目实施期",
            description="「全年」这样的一句话，或起止时间 {start: 2024年1月, end: 2026年12月}"
            "（申报表的项目起止时间）。",
        ),
    ] = None
    overview: Overview | None = Field(
        None, title="项目概况", description="申报表：立项依据、可行性、必要性。"
    )
    schedule: Annotated[
        list[ScheduleItem],
        BeforeValidator(_as_list, json_schema_input_type=list[ScheduleItem] | None),
    ] = Field(
        default_factory=list,
        title="实施进度计划",
        description="每行：实施内容、开始时间、完成时间。",
    )
    period_goal: Text | None = Field(
        None,
        title="实施期绩效目标",
        description="中期（长期）目标：整个实施期要达到的目标，每行一段。年度目标写在 goals。",
    )
    period_indicators: IndicatorTree = Field(
        default_factory=dict,
        title="实施期绩效指标",
        description="中期（长期）指标，写法同 indicators（年度指标）。",
    )
    tables: Tables = Field(default_factory=dict)
    extra: Extra = Field(default_factory=dict)

    def all_indicators(self) -> Iterator[tuple[str, str, int, Indicator]]:
        """The 年度 indicators; the 实施期 tree is ``period_indicators``."""
        yield from walk_indicators(self.indicators)

    @property
    def period_text(self) -> str:
        """项目实施期 as one phrase: 全年, or 2024年1月至2026年12月."""
        if isinstance(self.period, Period):
            return f"{self.period.start}至{self.period.end}"
        return self.period or ""


def walk_indicators(tree: dict[str, dict[str, list[Indicator]]]):
    """(一级, 二级, index, indicator) for every 三级 row, in document order."""
    for level1, groups in tree.items():
        for level2, rows in groups.items():
            for index, indicator in enumerate(rows):
                yield level1, level2, index, indicator


class Unit(Record):
    """A budget unit (预算单位) and its projects; 公开表 nests units under the department."""

    code: Text | None = Field(None, title="单位编码", description="如 131001。")
    name: Text = Field(
        title="单位名称",
        description="预算单位的全称，如「中国人民政治协商会议河北省乐亭县委员会本级」。",
    )
    total: Money | None = Field(
        None, title="单位合计", description="核对用：填写时须等于各项目预算数之和；可省略。"
    )
    projects: Annotated[
        list[Project], BeforeValidator(_as_list, json_schema_input_type=list[Project] | None)
    ] = Field(
        default_factory=list,
        title="预算项目",
        description="这个单位的项目，每个项目一项（以 - 开头），表题编号自动生成。",
    )
    extra: Extra = Field(default_factory=dict)

    @property
    def project_total(self) -> Decimal:
        return sum((p.budget for p in self.projects), Decimal(0))


# -- department-level text ---------------------------------------------------------------


class TitledText(Record):
    """A numbered paragraph with a lead-in title: （一）title。text"""

    title: Text = Field(title="标题", description="段首的标题句，不含序号。")
    text: Text | None = Field(
        None, title="正文", description="标题之后的正文；多段时用 |- 每行一段。"
    )


class DutyGoals(Record):
    """职责分类目标 inside 总体绩效目标 (seed 001)."""

    title: Text = Field(
        "职责分类目标", title="小标题", description="这一部分的小标题，默认「职责分类目标」。"
    )
    intro: Text | None = Field(
        None, title="引言", description="小标题之后、各项之前的一段文字（可省略）。"
    )
    items: list[TitledText] = Field(
        default_factory=list,
        title="各项职责",
        description="每项职责一个 title（职责名称）和 text（目标正文），编号 1. 2. … 自动生成。",
    )


class OverallGoal(Record):
    """一、总体绩效目标. A bare text is shorthand for ``text``."""

    text: Text = Field(title="总体目标", description="总体绩效目标的正文，每行一段。")
    items: list[TitledText] = Field(
        default_factory=list, title="分条目标", description="正文后的分条目标（一、二、…）。"
    )
    duty_goals: DutyGoals | None = Field(
        None,
        title="职责分类目标",
        description="总体目标之后按部门职责分别写的目标：小标题、引言和各项职责。",
    )


class Duty(Record):
    """One duty of seed 001's 分项绩效目标."""

    name: Text = Field(title="职责名称", description="如「履行政治协商职能」；编号自动生成。")
    responsibility: Text | None = Field(
        None, title="主要职责", description="印作「主要职责是……」。"
    )
    duty_goal: Text | None = Field(None, title="职责目标", description="印作「职责目标是……」。")
    goal: Text | None = Field(None, title="绩效目标", description="印作「绩效目标是……」。")
    indicators: Text | None = Field(
        None, title="绩效指标", description="印作「绩效指标是……」，一段文字。"
    )
    standard: Text | None = Field(
        None, title="绩效标准", description="印作「绩效标准：……」，如优、良、中、差各档的说明。"
    )


class SubGoals(Record):
    """二、分项绩效目标 in one of three forms: ``items`` (分项目标), ``duties`` (按职责), or
    ``from_projects`` (each project's goals and indicators, derived from 第二部分)."""

    heading: Text | None = Field(None, title="小标题", description="如「分类绩效目标」。")
    intro: Text | None = Field(
        None, title="引言", description="小标题之后、各项之前的一段文字（可省略）。"
    )
    items: list[TitledText] = Field(
        default_factory=list,
        title="分项目标",
        description="每项一个 title（标题句）和 text（正文），序号（一）（二）… 自动生成。",
    )
    duties: list[Duty] = Field(
        default_factory=list,
        title="按职责分项目标",
        description="按部门职责写的分项绩效目标：每项写职责名称、主要职责、职责目标、绩效目标、绩效指标、绩效标准。",
    )
    from_projects: bool = Field(
        False, title="按项目生成", description="true：由各项目的绩效目标和三级指标自动生成。"
    )

    @model_validator(mode="after")
    def _one_form(self) -> SubGoals:
        forms = [bool(self.items), bool(self.duties), self.from_projects]
        if sum(forms) != 1:
            raise ValueError(
                "分项绩效目标须且只能用一种写法：items（分项目标）、duties（按职责）"
                "或 from_projects: true（按项目生成）"
            )
        return self


class Safeguards(Record):
    """三、工作保障措施. A bare list is shorthand for ``items``."""

    heading: Text | None = Field(
        None, title="小标题", description="印在这一部分开头的小标题（可省略）。"
    )
    numbered: bool = Field(True, title="自动编号", description="false：各段原样排列，不加 1. 2. …")
    items: list[Text] = Field(
        title="措施", min_length=1, description="每条措施一项，以 - 开头；多段时用 |- 每行一段。"
    )


class DepartmentBudget(Record):
    """年度预算申请 of 附表1: 资金总额 split by income and by expenditure."""

    total: Money | None = Field(None, title="资金总额", description="不填时由各分项相加。")
    general: Money | None = Field(
        None, title="一般公共预算拨款", description="资金总额中按收入来源的一般公共预算拨款。"
    )
    fund: Money | None = Field(
        None, title="政府性基金拨款", description="资金总额中按收入来源的政府性基金拨款。"
    )
    other: Money | None = Field(
        None, title="其他资金", description="资金总额中按收入来源的其他资金。"
    )
    basic: Money | None = Field(
        None, title="基本支出", description="资金总额中按支出用途的基本支出（人员经费和公用经费）。"
    )
    project: Money | None = Field(
        None, title="项目支出", description="不填时等于各项目预算数之和。"
    )


class Department(Record):
    """The filing department: identity, cover lines and signatures."""

    name: Text = Field(title="部门名称", description="用于标题，如「乐亭县政协」。")
    code: Text | None = Field(
        None, title="部门编码", description="公开表的部门编码、申报表的主管部门编码，如 402。"
    )
    short_name: Text | None = Field(
        None, title="部门简称", description="公开表部门行的名称；不填时用部门名称。"
    )
    compiled_by: Text | None = Field(
        None, title="编制单位", description="封面，如「政协部门编制」。"
    )
    reviewed_by: Text | None = Field(
        None, title="审核单位", description="封面，如「山海关区财政局审核」。"
    )
    fund_level: Text | None = Field(
        None, title="专项资金级次", description="附表标题用，如「区级」。"
    )
    signed_by: Text | None = Field(
        None, title="单位负责人签字", description="单位负责人的姓名，如「张三」。"
    )
    filled_by: Text | None = Field(None, title="填表人", description="填表人（填报人）。")
    phone: Text | None = Field(None, title="联系电话", description="填表人的联系电话。")
    filled_on: Text | None = Field(
        None, title="填报日期", description="按原文填写，如「2024年1月10日」。"
    )
    tables: Tables = Field(default_factory=dict)
    extra: Extra = Field(default_factory=dict)


# -- check settings ----------------------------------------------------------------------------


def _as_rule_setting(value: Any) -> Any:
    """Shorthand: ``off``, ``warning`` or ``error`` alone is the rule's severity (YAML 1.1,
    as kit.yaml is read, turns a bare ``off`` into false and ``on`` into true)."""
    if isinstance(value, bool):
        return {} if value else {"severity": "off"}
    return {"severity": value} if isinstance(value, str) else value


class RuleSetting(BaseModel):
    """How a kit or a filing sets one rule: its severity (``off`` turns it off), whether the
    kit locks it, and its parameters (any other key: see ``pbgen rules``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    severity: Literal["off", "warning", "error"] | None = Field(
        None, title="严重程度", description="error 错误、warning 警告，或 off 关闭。"
    )
    locked: bool = Field(
        False,
        title="锁定",
        description="只在 kit 中：锁定后，各部门的文件不能关闭这条规则或放宽它的设置，只能更严。",
    )

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


RuleSettings = Annotated[
    dict[
        str,
        Annotated[
            RuleSetting,
            BeforeValidator(
                _as_rule_setting,
                json_schema_input_type=RuleSetting | Literal["off", "warning", "error"],
            ),
        ],
    ],
    Field(
        title="规则设置",
        description="规则编号 → off / warning / error，或 {severity: …, 参数: …}，如 "
        "{basis-empty: off, value-unit: error, text-length: {max_length: {三级指标: 20}}}。"
        "pbgen rules 列出每条规则及其参数。",
    ),
]


class CheckSettings(Record):
    """Local rules of a finance bureau, set per filing (over the kit's, which may lock some)."""

    framework: Text | None = Field(
        None,
        title="指标体系",
        description="指标体系的名称（kit 提供的，如 standard：财预〔2020〕10号，成本指标属产出指标；"
        "2021：财预〔2021〕101号，成本指标为一级指标），或一个指标体系文件的路径（相对于本文件）；"
        "不填时用 kit 的默认指标体系。",
    )
    disable: list[Text] = Field(default_factory=list, title="关闭的规则", description="规则编号。")
    max_length: dict[str, Annotated[int, Field(gt=0)]] = Field(
        default_factory=dict,
        title="字数上限",
        description="按字段限制字数，如 {三级指标: 20, 绩效目标: 200}。",
    )
    rules: RuleSettings = Field(default_factory=dict)


# -- the filing -----------------------------------------------------------------------------


class Filing(Record):
    """部门预算绩效 filing: everything one department files for one budget year."""

    model_config = ConfigDict(title="部门预算绩效文本", json_schema_extra={"$id": "filing"})

    pbgen: Annotated[int | None, WithJsonSchema({"enum": [FORMAT, str(FORMAT)]})] = Field(
        None,
        title="格式版本",
        description=f"这份文件的格式版本，现为 {FORMAT}；旧文件用 pbgen migrate 升级。",
    )
    year: Annotated[int, Field(ge=2000, le=2100), WithJsonSchema(YEAR_SCHEMA)] = Field(
        title="预算年度", description="四位数字，如 2024；加不加引号都可以。"
    )
    # Any id or alias of a layout pbgen finds (its own and the user's, see ``pbgen.layouts``):
    # resolved when rendering; the schema lists the built-in ones.
    layout: Text | None = Field(
        None,
        title="版式",
        description="版式的编号或中文名：pbgen 自带的、kit 的和自己的版式（pbgen layouts 列出全部，"
        "如绩效文本、公开表、附表、申报表）；不填时用 kit 的默认版式。",
    )
    money_unit: Literal["万元", "元"] = Field(title="金额单位", description="全文金额的单位。")
    department: Department = Field(
        title="部门",
        description="部门名称、编码，以及封面、附表上的编制/审核单位、填表人、联系电话。",
    )
    overall_goal: Annotated[
        OverallGoal | None,
        BeforeValidator(_as_object("text"), json_schema_input_type=OverallGoal | Text | None),
    ] = Field(
        None,
        title="总体绩效目标",
        description="第一部分「一、总体绩效目标」：一段或多段正文（用 |- 每行一段），可加分条目标 items、职责分类目标 duty_goals。",
    )
    sub_goals: Annotated[
        SubGoals | None,
        BeforeValidator(
            _as_object("items"), json_schema_input_type=SubGoals | list[TitledText] | None
        ),
    ] = Field(
        None,
        title="分项绩效目标",
        description="第一部分「二、分项绩效目标」，三种写法选一：items 分项目标、duties 按职责、from_projects: true 由各项目的绩效目标和指标生成。",
    )
    safeguards: Annotated[
        Safeguards | None,
        BeforeValidator(_as_object("items"), json_schema_input_type=Safeguards | list[Text] | None),
    ] = Field(
        None,
        title="工作保障措施",
        description="第一部分「三、工作保障措施」：逐条列出（每条以 - 开头），编号 1. 2. … 自动生成。",
    )
    department_budget: DepartmentBudget | None = Field(
        None,
        title="年度预算申请",
        description="附表1 的资金总额及其构成：按收入（一般公共预算、政府性基金、其他）和按支出（基本支出、项目支出）。",
    )
    duties: Text | None = Field(None, title="部门职责概述", description="附表1，每行一条。")
    department_indicators: IndicatorTree | None = Field(
        None,
        title="部门年度绩效指标",
        description="附表1 的部门整体绩效指标：一级指标 → 二级指标 → 三级指标，写法与项目的绩效指标相同。",
    )
    units: Annotated[
        list[Unit], BeforeValidator(_as_list, json_schema_input_type=list[Unit] | None)
    ] = Field(
        default_factory=list,
        title="预算单位",
        description="各预算单位及其项目；只有一个单位时也写成列表。部门整体的申报（没有项目）可不写。",
    )
    tables: Tables = Field(default_factory=dict)
    extra: Extra = Field(default_factory=dict)
    check: CheckSettings = Field(
        default_factory=CheckSettings,
        title="检查设置",
        description="pbgen check 的设置：指标体系（framework）、关闭的规则（disable）、字数上限（max_length）。",
    )

    @property
    def projects(self) -> list[Project]:
        return [project for unit in self.units for project in unit.projects]

    @property
    def project_total(self) -> Decimal:
        return sum((unit.project_total for unit in self.units), Decimal(0))
