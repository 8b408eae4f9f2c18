"""Label-driven reading of form tables: a 绩效目标表, a 支出方向绩效目标表, a 申报表, 附表1.

A row is read as label → value pairs wherever the labels sit: beside their value, above it
(a merged label cell whose value is in the next row), or with the value in the same cell
(「资金总额：528.24」). Header rows (一级指标 二级指标 三级指标 …, 支出内容简介 …, 事项 …)
switch to reading the rows below by grid column. Every cell that is read is marked used; the
ones left over are kept by the importer as comments, never dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pbgen.importer.labels import (
    fold,
    label_of,
    money_unit_of,
    numbered_run,
    numbering,
    period_of,
    split_label,
)
from pbgen.office import Cell, Para, Row, squeeze

INDICATOR_COLUMNS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "绩效指标描述",
    "指标性质",
    "指标值",
    "度量单位",
    "权重",
    "指标值确定依据",
    "绩效标准",
    "备注",
)
# 指标性质 of the 2021 tables: a comparator goes before the value as the clerk wrote it
COMPARATORS = {"≥", "≤", "=", "＝", ">", "<", "＞", "＜", "≧", "≦", "≠"}
INDICATOR_FIELDS = {
    "三级指标": "name",
    "绩效指标描述": "description",
    "指标值": "value",
    "指标值确定依据": "basis",
    "绩效标准": "standard",
    "备注": "remark",
}
EXPENSE_COLUMNS = {
    "支出内容简介": "content",
    "支出明细": "detail",
    "金额": "amount",
    "支出测算依据及过程说明": "basis",
}
WORK_COLUMNS = {"事项": "task", "责任单位": "owner", "工作目标": "goal"}
SCHEDULE_COLUMNS = {"实施内容": "task", "开始时间": "start", "完成时间": "end"}
FUND_COLUMNS = {"实施期资金": "total", "当年资金": "year"}
# 项目资金 rows of a 申报表: the source's key in ``funds``, and the project key of its 当年 amount
FUND_ROWS = {
    "资金总额": ("total", "budget"),
    "财政拨款": ("fiscal", "fiscal"),
    "上级财政拨款": ("fiscal_upper", None),
    "本级财政拨款": ("fiscal_local", None),
    "其他资金": ("other", "other"),
    "自有资金": ("own", None),
    "事业收入": ("business", None),
    "经营收入": ("operating", None),
    "财政资金": ("fiscal", "fiscal"),  # the meanings of other spellings (上级补助 …)
}
OVERVIEW = {"立项依据": "basis", "可行性": "feasibility", "必要性": "necessity"}
SOURCES = {
    "上级财政拨款": "fiscal_upper",
    "本级财政拨款": "fiscal_local",
    "自有资金": "own",
    "事业收入": "business",
    "经营收入": "operating",
}
PERIOD_TREES = (
    "长期(中期)绩效指标",
    "中期(长期)绩效指标",
    "长期绩效指标",
    "中期绩效指标",
    "实施期绩效指标",
)
TREE_TITLES = {title: "period_indicators" for title in PERIOD_TREES} | {
    "年度绩效指标": "indicators",
    "年度指标": "indicators",
}
GROUP_MARKER = re.compile(r"\((长期|中期|实施期|年度|当年)\)$")
TREE_OF_MARKER = {
    "长期": "period_indicators",
    "中期": "period_indicators",
    "实施期": "period_indicators",
}
TREE_OF_MARKER |= {"年度": "indicators", "当年": "indicators"}
# labels that start a new part of a form: they end a run of indicator/expense/work rows
SECTION_LABELS = {
    "项目编码",
    "项目名称",
    "预算数",
    "资金用途",
    "资金支出计划",
    "绩效目标",
    "实施期绩效目标",
    "项目实施期",
    "所属专项",
    "支出明细及测算说明",
    "部门名称",
    "年度预算申请",
    "部门职责概述",
    "年度重点工作计划",
    "单位负责人签字",
    "填表人",
    "联系电话",
    "项目概况",
    "实施进度计划",
    "项目资金",
    "主管部门",
    "实施单位",
    "项目负责人",
    "项目属性",
    "填报日期",
}
UNIT_CELL = re.compile(r"^[(（]?(?:金额单位|单位|金额)[:：]?(万元|元)[)）]?$")
PERCENT = re.compile(r"^\s*(\d+(\.\d+)?\s*[%％]?)?\s*$")
AMOUNT = re.compile(r"^\s*(\d[\d,，]*(\.\d+)?\s*(?:[%％]|万元|元)?)?\s*$")
INLINE_PLAN = re.compile(
    r"((?:\d{1,2}月(?:底|末|份)?)|(?:第?[一二三四1-4]季度(?:末|底)?))\s*[:：]?\s*"
    r"(\d[\d,，]*(?:\.\d+)?\s*(?:[%％]|万元|元)?)"
)
MONTH_END = re.compile(r"^\d{1,2}月(底|末)$")
PLAIN = re.compile(r"^\d+(\.\d+)?$")
FOOTER_LABELS = ("单位负责人签字", "填表人", "联系电话", "填报日期")


def take(cell: Cell | None) -> str:
    """A cell's text, marking it read."""
    if cell is None:
        return ""
    cell.used = True
    return cell.text


def lines_of(cell: Cell | None) -> list[str]:
    if cell is None:
        return []
    cell.used = True
    return [line.strip() for line in cell.lines if line.strip()]


def money(text: str) -> str | None:
    """An amount as written, without thousands separators or a unit: 「50,000.00元」→ 50000.00."""
    value = squeeze(text).replace(",", "").replace("，", "")
    value = re.sub(r"(万元|元|万)$", "", value)
    return value or None


def text_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None


def goals_of(lines: list[str]) -> tuple[list[str], list[str]]:
    """(intro, goals) of a 绩效目标 cell: unnumbered lines before the numbered 1. 2. 3."""
    for start in range(len(lines)):
        run = numbered_run(lines[start:])
        if run is not None:
            return lines[:start], run
    return [], lines


@dataclass
class Pair:
    label: str
    cell: Cell  # the label's cell
    value: Cell | None  # the cell holding the value, None when it is below or inline
    inline: str | None = None  # the value when written in the label's own cell
    parent: str | None = None  # the label this one is a part of (所属专项 → 名称)


def pairs_of(row: Row, above: Row | None) -> tuple[list[Pair], list[Cell], str | None]:
    """The label → value pairs of a row, the cells that are neither, and the label that
    continues from the row above (a vertically merged label cell)."""
    cells = row.cells
    continued = None
    pairs: list[Pair] = []
    loose: list[Cell] = []
    labels = [label_of(cell.text) for cell in cells]
    parent = None
    skip = set()
    above_ids = {id(other) for other in above.cells} if above is not None else set()
    for i, cell in enumerate(cells):
        if i in skip:
            continue
        label = labels[i]
        from_above = id(cell) in above_ids
        if label and from_above:
            continued = parent = label
            cell.used = True
            continue
        if label is None:
            inline = split_label(cell.text)
            if inline:
                pairs.append(Pair(inline[0], cell, None, inline[1], parent))
            elif cell.text:
                loose.append(cell)
            continue
        following = cells[i + 1] if i + 1 < len(cells) else None
        if (
            following is not None
            and labels[i + 1] is None
            and not split_label(following.text)
            and period_of(following.text) is None
        ):
            pairs.append(Pair(label, cell, following, None, parent))
            skip.add(i + 1)
            continue
        pairs.append(Pair(label, cell, None, None, parent))
        parent = label
    return pairs, loose, continued


@dataclass
class FormReader:
    """Reads the rows of one or more forms into projects (and 附表1's department data)."""

    projects: list[dict] = field(default_factory=list)
    department: dict = field(default_factory=dict)  # 附表1: budget, duties, indicators, …
    signature: dict = field(default_factory=dict)
    money_unit: str | None = None
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # labels read that have no field
    unit_label: str = ""
    mode: str = ""  # indicators | expenses | work | department
    columns: dict[str, int] = field(default_factory=dict)
    plan_columns: dict[int, int] = field(default_factory=dict)  # column → month, values below
    plan_heads: dict[int, str] = field(default_factory=dict)  # column → 3月底 / 第一季度 as written
    below_columns: dict[int, str] = field(default_factory=dict)  # column → label of the row above
    groups: list[tuple[int, int, str]] = field(default_factory=list)  # 长期 | 年度 column ranges
    grid: list[tuple[str, dict[str, int], list[str]]] = field(default_factory=list)
    pending: str | None = None  # a label whose value is in the next row
    previous: Row | None = None
    carry: list[str] = field(default_factory=lambda: ["", ""])
    scope: str = "project"  # project | department (附表1)
    tree: str = "indicators"  # or period_indicators, after a 「长期（中期）绩效指标」 title

    # -- projects ---------------------------------------------------------------------------

    @property
    def project(self) -> dict:
        if not self.projects:
            self.start_project()
        return self.projects[-1]

    def start_project(self, title: str | None = None) -> None:
        """A new project: at its table title, or at a second 项目名称."""
        self.projects.append({"_unit": self.unit_label, "_title": title})
        self.mode, self.pending, self.plan_columns, self.plan_heads = "", None, {}, {}
        self.tree = "indicators"

    def project_started(self) -> bool:
        return bool(self.projects) and any(not k.startswith("_") for k in self.projects[-1])

    # -- paragraphs -------------------------------------------------------------------------

    def unit_line(self, para: Para) -> bool:
        """「131001中国…本级⇥单位：万元」: the unit of the projects below, and the money unit."""
        unit = money_unit_of(para.text)
        match = re.search(r"(金额)?单位\s*[:：]\s*(万元|元)", para.text)
        if not unit or not match or len(squeeze(para.text)) > 80:
            return False
        self.money_unit = self.money_unit or unit
        before = para.text[: match.start()].strip()
        if before and self.reporting_unit(before):
            pass
        elif before and not re.match(r"^填报单位[:：]", squeeze(before)):
            self.unit_label = before.strip()
            if self.projects and not self.project_started():
                self.projects[-1]["_unit"] = self.unit_label
        para.used = True
        return True

    def reporting_unit(self, text: str) -> bool:
        """「填报单位（盖章）：某某县农业农村局（131040）」: the department, and its code."""
        match = re.match(
            r"^\s*填报单位\s*(?:[(（]\s*盖章\s*[)）])?\s*[:：]\s*(.*?)\s*(?:[(（]\s*([0-9A-Za-z]+)\s*[)）])?\s*$",
            text,
        )
        if not match or not match.group(1):
            return False
        self.department.setdefault("name", match.group(1))
        if match.group(2):
            self.department.setdefault("code", match.group(2))
        return True

    # -- rows -------------------------------------------------------------------------------

    def row(self, row: Row) -> None:
        above = self.previous if self.previous is not None and not row.first else None
        if row.first:
            self.carry = ["", ""]
        self.previous = row
        if self._unit_row(row) or self._tree_title(row) or self._group_titles(row):
            return
        header = {label_of(cell.text): cell for cell in row.cells}
        if self._header(row, header):
            return
        pairs, loose, continued = pairs_of(row, above)
        ends = any(p.label in SECTION_LABELS for p in pairs)
        if self.mode and not ends and self._table_row(row, continued):
            return
        self.mode = ""
        self._pairs(pairs, loose, continued, row)

    def _unit_row(self, row: Row) -> bool:
        """「131001中国…本级 | 单位：万元」 as a borderless table row above the form."""
        cells = [cell for cell in row.cells if cell.text]
        units = [cell for cell in cells if UNIT_CELL.match(squeeze(cell.text))]
        if not units or len(cells) > 3:
            return False
        self.money_unit = self.money_unit or UNIT_CELL.match(squeeze(units[0].text)).group(1)
        for cell in cells:
            cell.used = True
            if cell not in units and not squeeze(cell.text).startswith("填报单位"):
                self.unit_label = cell.text.strip()
                if self.projects and not self.project_started():
                    self.projects[-1]["_unit"] = self.unit_label
        return True

    def _tree_title(self, row: Row) -> bool:
        """「长期（中期）绩效指标」 / 「年度绩效指标」 alone in a row: which tree follows."""
        filled = [cell for cell in row.cells if cell.text]
        if len(filled) != 1:
            return False
        folded = fold(filled[0].text)
        if folded in PERIOD_TREES:
            self.tree = "period_indicators"
        elif folded in ("年度绩效指标", "年度指标"):
            self.tree = "indicators"
        else:
            return False
        filled[0].used = True
        self.mode = ""
        return True

    def _group_titles(self, row: Row) -> bool:
        """「一级指标 | 长期绩效指标 | 年度绩效指标」: the two indicator tables of a 湖北 grid,
        side by side, each over the columns its title spans."""
        groups = []
        for cell in row.cells:
            tree = TREE_TITLES.get(fold(cell.text))
            if tree:
                columns = [c for c, slot in enumerate(row.slots) if slot is cell]
                groups.append((columns[0], columns[-1], tree))
        if len(groups) < 2:
            return False
        self.groups = groups
        for cell in row.cells:
            if TREE_TITLES.get(fold(cell.text)) or label_of(cell.text) == "一级指标":
                cell.used = True
        return True

    def _grid_header(self, row: Row) -> bool:
        """The header of a grid of 长期 and 年度 indicators side by side: 二级指标 三级指标 指标值
        twice, told apart by the titles above (``groups``) or by their own 「（长期）」."""
        found: dict[str, dict[str, int]] = {}
        shared = {}
        for cell in row.cells:
            folded = fold(cell.text)
            marker = GROUP_MARKER.search(folded)
            label = label_of(GROUP_MARKER.sub("", folded))
            if label not in INDICATOR_COLUMNS:
                continue
            tree = TREE_OF_MARKER.get(marker.group(1)) if marker else None
            for start, end, group in self.groups:
                if start <= cell.column <= end:
                    tree = group
            if tree is None:
                shared[label] = cell.column
            else:
                found.setdefault(tree, {})[label] = cell.column
        if len(found) < 2 or not all("三级指标" in columns for columns in found.values()):
            return False
        for cell in row.cells:
            cell.used = True
        self.mode, self.columns = "grid", shared
        self.grid = [(tree, columns, ["", ""]) for tree, columns in found.items()]
        self.carry = ["", ""]
        self.groups = []
        return True

    def _grid_row(self, row: Row) -> bool:
        level1 = squeeze(take(row.at(self.columns.get("一级指标", -1)))) or self.carry[0]
        self.carry[0] = level1
        read = False
        for tree, columns, carry in self.grid:
            at = {label: row.at(column) for label, column in columns.items()}
            if "一级指标" in at:
                level1 = squeeze(take(at["一级指标"])) or level1
            read = self._indicator_row(at, tree, level1, carry) or read
        return read

    def _header(self, row: Row, header: dict) -> bool:
        """A row of column titles: indicators, 支出明细, or 年度重点工作计划 follow below."""
        if self._grid_header(row):
            return True
        found = [label for label in INDICATOR_COLUMNS if label in header]
        if ("三级指标" in found and len(found) >= 3) or {"一级指标", "二级指标"} <= set(found):
            mode, columns = "indicators", found
            self.carry = ["", ""]
        elif "支出内容简介" in header or {"支出明细", "金额"} <= set(header):
            mode, columns = "expenses", [k for k in EXPENSE_COLUMNS if k in header]
        elif "事项" in header and "工作目标" in header:
            mode, columns = "work", [k for k in WORK_COLUMNS if k in header]
        elif "实施内容" in header and ("开始时间" in header or "完成时间" in header):
            mode, columns = "schedule", [k for k in SCHEDULE_COLUMNS if k in header]
        elif set(FUND_COLUMNS) & set(header) and (
            "资金来源" in header or set(FUND_COLUMNS) <= set(header)
        ):
            mode, columns = "funds", [k for k in ("资金来源", *FUND_COLUMNS) if k in header]
        else:
            return False
        self.mode = mode
        self.columns = {label: header[label].column for label in columns}
        for cell in row.cells:  # the titles, and the row's own label (年度绩效指标)
            if label_of(cell.text):
                cell.used = True
        return True

    def _table_row(self, row: Row, continued: str | None) -> bool:
        """A row under a header; False when the row is not one (the run has ended)."""
        at = {label: row.at(column) for label, column in self.columns.items()}
        if self.mode == "indicators":
            return self._indicator_row(at)
        if self.mode == "grid":
            return self._grid_row(row)
        if self.mode == "expenses":
            texts = {key: at.get(label) for label, key in EXPENSE_COLUMNS.items()}
            first = texts.get("content") or texts.get("detail")
            if first is not None and fold(first.text) in ("合计", "小计"):
                first.used = True
                if texts.get("amount") is not None:
                    texts["amount"].used = True
                return True
            if not any(cell is not None and cell.text for cell in texts.values()):
                return True
            item = {}
            for key in ("content", "detail", "amount", "basis"):
                cell = texts.get(key)
                text = take(cell)
                if key == "amount":
                    item[key] = money(text)
                elif text:
                    item[key] = text
            self.project.setdefault("tables", {}).setdefault("expense_details", []).append(item)
            return True
        if self.mode == "funds":
            return self._fund_row(row, at)
        if self.mode in ("schedule", "work"):  # 实施进度计划 (project), 年度重点工作计划 (附表1)
            columns, owner, key = (
                (SCHEDULE_COLUMNS, self.project, "schedule")
                if self.mode == "schedule"
                else (WORK_COLUMNS, self.department, "work_plan")
            )
            item = {
                field: text for label, field in columns.items() if (text := take(at.get(label)))
            }
            if item:
                owner.setdefault(key, []).append(item)
            return True
        return False

    def _fund_row(self, row: Row, at: dict[str, Cell | None]) -> bool:
        """资金总额 / 其中：财政拨款 / 上级财政拨款 … with its 实施期 and 当年 amounts."""
        amounts = {key: at.get(label) for label, key in FUND_COLUMNS.items()}
        label_cell = at.get("资金来源") or next(
            (
                cell
                for cell in row.cells
                if cell not in amounts.values() and cell.text and not cell.used
            ),
            None,
        )
        if label_cell is None:
            return False
        name = re.sub(r"^(其中[:：])", "", squeeze(label_cell.text).translate({0x3000: None}))
        name = name.removeprefix("其中:").removeprefix("其中：")
        pair = {key: money(take(cell)) for key, cell in amounts.items() if cell is not None}
        pair = {key: value for key, value in pair.items() if value is not None}
        label_cell.used = True
        project = self.project
        funds = project.setdefault("funds", {})
        key, year_key = FUND_ROWS.get(name) or FUND_ROWS.get(label_of(name) or "", (None, None))
        if year_key:  # 资金总额 / 财政拨款 / 其他资金: the year's is the project's own
            if "total" in pair:
                funds[key] = pair["total"]
            if "year" in pair:
                project[year_key] = pair["year"]
        elif key:
            funds[key] = pair
        elif name:
            funds.setdefault("named", {})[name] = pair
        return True

    def _indicator_row(
        self,
        at: dict[str, Cell | None],
        tree_key: str | None = None,
        level1: str | None = None,
        carry: list[str] | None = None,
    ) -> bool:
        """One 三级 row into the indicator tree; in a grid, into the tree of its column group
        (``tree_key``), with that group's own carried 二级 (``carry``)."""
        name_cell = at.get("三级指标")
        if name_cell is None:
            return False
        carry = self.carry if carry is None else carry
        level1 = level1 or squeeze(take(at.get("一级指标"))) or carry[0]
        level2 = squeeze(take(at.get("二级指标")))
        if not level2 and level1 == carry[0]:
            level2 = carry[1]
        carry[:] = [level1, level2]
        row = {}
        for label, key in INDICATOR_FIELDS.items():
            text = take(at.get(label)).strip()
            if text or key == "value":
                row[key] = text or None
        nature, unit = squeeze(take(at.get("指标性质"))), squeeze(take(at.get("度量单位")))
        weight = take(at.get("权重")).strip()
        if row.get("value") and (nature in COMPARATORS or unit):
            # 「≥」「5000」「亩」 in three columns: one value as written, 「≥5000亩」
            prefix = nature if nature in COMPARATORS else ""
            row["value"] = prefix + squeeze(row["value"]) + unit
        elif unit:
            self.notes.append(f"三级指标「{row.get('name') or ''}」的度量单位：{unit}")
        if nature and nature not in COMPARATORS:
            self.notes.append(f"三级指标「{row.get('name') or ''}」的指标性质：{nature}")
        if weight:
            self.notes.append(f"三级指标「{row.get('name') or ''}」的权重：{weight}")
            self.unknown.append("权重")
        if not row.get("name") and not row.get("value"):
            return True
        row.setdefault("name", "")
        if row.get("description") == row["name"]:
            del row["description"]
        tree = (
            self.department.setdefault("indicators", {})
            if self.scope == "department"
            else self.project.setdefault(tree_key or self.tree, {})
        )
        tree.setdefault(level1 or "（未写一级指标）", {}).setdefault(
            level2 or "（未写二级指标）", []
        ).append(row)
        return True

    def _pairs(self, pairs: list[Pair], loose: list[Cell], continued: str | None, row) -> None:
        below, self.pending = continued or self.pending, None
        if any(pair.label == "项目名称" for pair in pairs) and "name" in self.project:
            self.start_project()  # a second form without a title: its 项目编码 is its own
        months = [(cell, month) for cell in row.cells if (month := period_of(cell.text))]
        for pair in pairs:
            if pair.label == "资金支出计划":
                self.project["_plan_label"] = pair.cell.text
        if len(months) >= 2 or (months and "资金支出计划" in (below, *(p.label for p in pairs))):
            self._months(row, months)
            loose = [cell for cell in loose if not period_of(cell.text)]
        elif self.plan_columns:
            for column, month in self.plan_columns.items():
                cell = row.at(column)
                if cell is not None and not cell.used and AMOUNT.match(cell.text):
                    self.plan_entry(month, self.plan_heads[column], take(cell))
            self.plan_columns = {}
            loose = [cell for cell in loose if not cell.used]
        if self.below_columns:
            placed = self._below_columns(row)
            loose = [cell for cell in loose if cell not in placed]
        if len(pairs) >= 2 and all(p.value is None and p.inline is None for p in pairs):
            # 中长期目标 | 年度目标 in one row, each text under its label in the row below
            self.below_columns = {p.cell.column: p.label for p in pairs}
            for pair in pairs:
                pair.cell.used = True
            return
        for pair in pairs:
            value = pair.inline if pair.inline is not None else None
            if pair.value is not None:
                value = "\n".join(lines_of(pair.value))
            pair.cell.used = True
            if value is None and pair.inline is None:
                self.pending = pair.label
                continue
            if pair.label == "联系电话" and any(p.label == "项目负责人" for p in pairs):
                self.project["phone"] = value.strip() or None  # the 项目负责人's, not the foot's
                continue
            self.place(pair.label, value, pair.parent or continued, pair.value)
        if loose and below and not pairs:
            text = "\n".join(line for cell in loose for line in lines_of(cell))
            self.place(below, text, None, loose[0])
            self.pending = None

    def _below_columns(self, row: Row) -> list[Cell]:
        """The texts under a row of labels (``below_columns``), each placed by its label."""
        columns, self.below_columns = self.below_columns, {}
        placed = []
        for cell in row.cells:
            label = columns.get(cell.column)
            if label and not cell.used and cell.text:
                self.place(label, "\n".join(lines_of(cell)), None, cell)
                placed.append(cell)
        return placed

    def _months(self, row: Row, months: list) -> None:
        """3月底 6月底 10月底 12月底, 第一季度…, 1月…12月: values beside them, or in the same
        columns below."""
        cells = row.cells
        index_of = {id(cell): i for i, cell in enumerate(cells)}
        for cell, month in months:
            cell.used = True
            index = index_of[id(cell)]
            following = cells[index + 1] if index + 1 < len(cells) else None
            if following is not None and following.text and AMOUNT.match(following.text):
                self.plan_entry(month, cell.text, take(following))  # 3月底 | 25% | 6月底 | 50%
            else:
                self.plan_columns[cell.column] = month  # the value is below, same column
                self.plan_heads[cell.column] = cell.text

    def plan_entry(self, month: int, head: str, value: str) -> None:
        """One point of the spending plan as written: settled into cumulative percentages once
        the project is read (``settle_plan``)."""
        if value.strip():
            self.project.setdefault("_plan", []).append((month, head.strip(), value.strip()))

    def place(self, label: str, value: str, parent: str | None, cell: Cell | None) -> None:
        """Put one labelled value where it belongs."""
        text = value.strip()
        if label in FOOTER_LABELS:
            self._footer(label, text)
            return
        department = self.scope == "department" or parent == "年度预算申请"
        if department and self._department(label, text, parent):
            return
        project = self.project
        if label == "项目名称":
            if "name" in project:
                self.start_project()
                project = self.project
            if text:
                project["name"] = text
        elif label == "名称" and parent == "所属专项":
            project["special_fund"] = text or None
        elif label == "金额" and parent == "所属专项":
            pass  # the 专项's amount: computed by pbgen from its projects
        elif label == "项目编码":
            project["code"] = text or None
        elif label in ("预算数", "金额"):
            project["budget"] = money(text)
        elif label == "财政资金":
            project["fiscal"] = money(text)
        elif label == "其他资金":
            project["other"] = money(text)
        elif label == "资金用途":
            project["purpose"] = text or None
        elif label == "绩效目标":
            intro, goals = goals_of([line.strip() for line in text.splitlines() if line.strip()])
            if intro:
                project["goal_intro"] = "\n".join(intro)
            project["goals"] = goals
        elif label == "实施期绩效目标":
            project["period_goal"] = text or None
        elif label == "项目实施期":
            dates = re.split(r"\s*(?:至|—|－|~|～)\s*", text)
            project["period"] = (
                {"start": dates[0], "end": dates[1]}
                if len(dates) == 2 and all(dates)
                else text or None
            )
        elif label == "所属专项":
            project["special_fund"] = text or None
        elif label == "项目属性":
            project["attribute"] = text or None
        elif label == "项目负责人":
            project["manager"] = text or None
        elif label in ("主管部门", "填报单位"):
            if text and fold(text) not in ("(盖章)", "盖章"):
                self.department.setdefault("name", re.sub(r"^[(（]盖章[)）]", "", text).strip())
        elif label == "主管部门编码":
            self.department["code"] = text or None
        elif label == "实施单位":
            project["_unit"] = text
        elif label == "单位编码":
            project["_unit_code"] = text
        elif label in OVERVIEW:
            project.setdefault("overview", {})[OVERVIEW[label]] = text or None
        elif label in ("项目概况", "项目资金", "实施进度计划", "资金来源", "总体目标"):
            pass  # a heading: its parts carry the values
        elif label in ("资金总额", "当年资金"):  # 年度资金总额 of a one-year form
            project["budget"] = money(text)
        elif label in SOURCES:  # 上级补助 40.00: the year's amount of one source
            project.setdefault("funds", {})[SOURCES[label]] = {"year": money(text)}
        elif label == "资金支出计划" and INLINE_PLAN.search(text):
            project["_plan_label"] = label
            for head, value in INLINE_PLAN.findall(text):
                self.plan_entry(period_of(head), head, value)
            rest = INLINE_PLAN.sub("", text).strip(" ；;，,。")
            if rest:
                self.notes.append(f"{label}：{text}")
        elif label in ("资金支出计划", "绩效指标", "支出明细及测算说明", "合计"):
            if text:
                self.notes.append(f"{label}：{text}")
        else:
            if cell is not None:
                cell.used = False
            elif text:
                self.notes.append(f"{label}：{text}")

    def _department(self, label: str, text: str, parent: str | None) -> bool:
        budget_keys = {
            "资金总额": "total",
            "一般公共预算拨款": "general",
            "政府性基金拨款": "fund",
            "其他资金": "other",
            "基本支出": "basic",
            "项目支出": "project",
        }
        if label in budget_keys:
            self.department.setdefault("budget", {})[budget_keys[label]] = money(text)
            return True
        if label == "部门名称":
            self.department["name"] = text
            return True
        if label == "部门职责概述":
            self.department["duties"] = text or None
            return True
        if label in ("年度预算申请", "按收入性质分", "按支出性质分", "年度重点工作计划"):
            unit = money_unit_of(label)
            self.money_unit = self.money_unit or unit
            return True
        return False

    def _footer(self, label: str, text: str) -> None:
        """单位负责人签字：  填表人：赵萍  联系电话：0731-… — one cell or several."""
        parts = re.split(
            r"(单位负责人签字|单位负责人|负责人签字|填表人|填报人|联系电话|电话|填报日期|填表日期)"
            r"\s*[:：]",
            text,
        )
        current = label
        values = {current: parts[0]}
        for name, value in zip(parts[1::2], parts[2::2], strict=False):
            current = label_of(name) or name
            values[current] = value
        keys = {
            "单位负责人签字": "signed_by",
            "填表人": "filled_by",
            "联系电话": "phone",
            "填报日期": "filled_on",
        }
        for name, value in values.items():
            value = value.strip().strip("/").strip()
            if name in keys and value:
                self.signature[keys[name]] = value


def numbered_title(text: str, endings: tuple[str, ...]) -> str | None:
    """「1.乐亭文史宣传研究专项经费绩效目标表」 → 乐亭文史宣传研究专项经费; not a document's
    own title (「某某县教育局2025年项目支出绩效目标表」: unnumbered, with a year)."""
    _, _, rest = numbering(text.strip())
    rest = rest.strip()
    for ending in endings:
        if rest.endswith(ending) and len(rest) > len(ending):
            name = rest[: -len(ending)].strip()
            unnumbered_with_year = rest == text.strip() and re.search(r"\d{4}年", name)
            return None if unnumbered_with_year else name
    return None


def settle_plan(project: dict, notes: list[str]) -> None:
    """The spending plan as the model keeps it: cumulative percentages at 3月底, 6月底, 10月底
    and 12月底. Percentages at those four dates stay as written (mistakes included: the check
    reports them); amounts, quarters or months are turned into cumulative percentages of the
    budget (of their sum where there is no budget), and what was written is kept as a note."""
    entries = project.pop("_plan", [])
    label = project.pop("_plan_label", None) or "资金支出计划"
    if not entries:
        return
    percent = any(re.search("[%％]", value) for _, _, value in entries) or "%" in fold(label)
    standard = all(
        month in (3, 6, 10, 12) and MONTH_END.match(fold(head)) for month, head, _ in entries
    )
    if percent and standard:
        project["spending_plan"] = {f"{month}月底": value for month, _, value in entries}
        return
    written = "；".join(f"{head} {value}" for _, head, value in entries)
    try:
        numbers = [Decimal(re.sub(r"[%％,，\s]|万元|元", "", value)) for _, _, value in entries]
    except InvalidOperation:
        notes.append(f"{label}：{written}")
        return
    months = [month for month, _, _ in entries]
    if percent:
        rising = all(a <= b for a, b in itertools.pairwise(numbers)) and numbers[-1] == 100
        totals, base = (numbers if rising else list(itertools.accumulate(numbers))), Decimal(100)
    else:
        totals = list(itertools.accumulate(numbers))
        budget = money(project.get("budget") or "")
        base = Decimal(budget) if budget and PLAIN.match(budget) else totals[-1]
    plan = {}
    for end in (3, 6, 10, 12):
        reached = [total for month, total in zip(months, totals, strict=True) if month <= end]
        if reached and base:
            share = (reached[-1] * 100 / base).quantize(Decimal("0.01")).normalize()
            plan[f"{end}月底"] = f"{share:f}%"
    project["spending_plan"] = plan
    quarters = sorted(set(months)) == [3, 6, 9, 12]
    how = "已折算为累计百分比" + ("，10月底取到三季度末的累计" if quarters else "")
    notes.append(f"{label}原文：{written}（{how}）")
