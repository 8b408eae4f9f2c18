"""The report's charts, drawn by pygal as SVG and set into the page inline.

Why pygal: it writes SVG with real ``<text>`` (the browser draws the labels in the page's CJK
font stack: searchable, sharp, any department name), its styles live inside the SVG, and it is
pure Python with no numpy — the report stays a few hundred kilobytes and starts fast.
matplotlib's SVG backend would draw every label as glyph outlines from a CJK font pbgen would
have to find on the machine first. What pygal adds for its interactive mode is taken out: its
script (the page fetches nothing and runs only its own inline script), its comments with the
date (the same input gives the same page), and each value's ``<desc>`` becomes a ``<title>``,
the browser's own tooltip.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from pbgen.report.digest import PLAN_MONTHS, Digest
from pbgen.report.rules import rule_text
from pbgen.report.text import label

# Windows (Edge, 360, QQ: 微软雅黑), macOS, then the free fonts of Linux.
FONT_STACK = (
    '"Microsoft YaHei", "微软雅黑", "PingFang SC", "Hiragino Sans GB", "Source Han Sans SC", '
    '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "SimHei", sans-serif'
)
COLORS = ("#2f6f9f", "#d9822b", "#4e9a5b", "#b8483e", "#7b5ea7", "#8c6d4f", "#c36aa3", "#6c7a89")
WIDTH = 760
BARS = 20  # bars a chart shows; the rest are summed in one


def _style():
    from pygal.style import Style

    return Style(
        font_family=FONT_STACK,
        background="transparent",
        plot_background="transparent",
        foreground="#333",
        foreground_strong="#111",
        foreground_subtle="#ccc",
        colors=COLORS,
        title_font_size=15,
        label_font_size=12,
        major_label_font_size=12,
        value_font_size=11,
        legend_font_size=12,
        tooltip_font_size=12,
    )


def _config(kind: str, labels: list[str], **options):
    """A pygal chart of ``kind`` with the report's style, its ``labels`` (a bar each, top to
    bottom for a horizontal chart) and room for them."""
    import pygal

    horizontal = kind.startswith("Horizontal")
    settings = {
        "style": _style(),
        "width": WIDTH,
        "height": 90 + 26 * max(len(labels), 3),
        "js": [],
        "disable_xml_declaration": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        "legend_at_bottom": True,
        "print_values": True,
        "print_zeroes": False,
        **(_room_for(labels) if horizontal else {}),
    }
    chart = getattr(pygal, kind)(**{**settings, **options})
    chart.x_labels = list(reversed(labels)) if horizontal else labels  # pygal draws bottom up
    chart.add_xml_filter(_plain)
    return chart


def _room_for(labels: list[str], size: int = 12) -> dict:
    """pygal makes room for a label as if each character were 0.6 em wide: a hanzi is 1 em.
    The room it lacks, as the chart's left margin."""
    lacking = max(
        (sum(0.4 * size for ch in label if ord(ch) > 0x2E80) for label in labels), default=0
    )
    return {"margin_left": int(lacking) + 8}


def _plain(root):
    """No script, no comment; each value's description as the browser's tooltip."""
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag.endswith("script"):  # a comment has no tag name
            element.getparent().remove(element)
        elif tag.endswith("desc") and element.get("class") == "value":
            element.tag = tag.replace("desc", "title")
    return root


def _render(chart, name: str) -> str:
    chart.uuid = name  # its CSS is scoped by this id: stable, so the page is the same every time
    return chart.render(is_unicode=True)


def _value(number: Decimal, text: str) -> dict:
    return {"value": float(number), "formatter": lambda _: text}


def _top(pairs: list[tuple[str, Decimal]], rest_label: str) -> list[tuple[str, Decimal]]:
    """The largest ``BARS`` − 1, and the rest summed in one bar."""
    pairs = sorted(pairs, key=lambda pair: -pair[1])
    if len(pairs) <= BARS:
        return pairs
    rest = pairs[BARS - 1 :]
    return [*pairs[: BARS - 1], (rest_label.format(len(rest)), sum(v for _, v in rest))]


def budget_chart(digests: list[Digest], year: int, unit: str, shown: Callable) -> str:
    """Each filing's project budget in ``year``, largest first."""
    filings = [d for d in digests if d.readable and d.year == year]
    departments = Counter(d.department_key for d in filings)
    pairs = [
        (
            label(d.name) + (f"（{label(d.layout)}）" if departments[d.department_key] > 1 else ""),
            shown(d.budget),
        )
        for d in filings
    ]
    pairs = _top(pairs, "其他 {} 份")
    chart = _config("HorizontalBar", [name for name, _ in pairs], show_legend=False)
    chart.title = f"{year} 年各部门项目预算（{unit}）"
    chart.add("预算数", [_value(v, _money(v)) for _, v in reversed(pairs)])
    return _render(chart, "budget")


def findings_chart(digests: list[Digest]) -> str:
    """Errors and warnings per rule, the most frequent first."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for d in digests:
        for item in d.items:
            counts[item.finding.rule][item.finding.severity] += 1
    rules = sorted(counts, key=lambda rule: (-sum(counts[rule].values()), rule))[:BARS]
    labels = [label(rule_text(rule), 16) for rule in rules]
    chart = _config("HorizontalStackedBar", labels, print_values=False)
    chart.title = "各规则发现的问题（条）"
    for severity, name in (("error", "错误"), ("warning", "警告")):
        chart.add(name, [counts[rule][severity] or None for rule in reversed(rules)])
    return _render(chart, "findings")


def indicators_chart(digests: list[Digest]) -> str:
    """The projects' 年度 三级指标 by 一级 (a colour each) and 二级 (a bar each)."""
    counts: Counter = Counter()
    for d in digests:
        counts.update(d.indicators)
    level1 = list(dict.fromkeys(level for level, _ in sorted(counts, key=lambda k: -counts[k])))
    bars = sorted(counts, key=lambda key: (level1.index(key[0]), -counts[key]))[: BARS + 5]
    chart = _config("HorizontalStackedBar", [f"{label(one)} › {label(two)}" for one, two in bars])
    chart.title = "项目绩效指标：一级、二级指标下的三级指标（条）"
    for one in level1:
        chart.add(label(one), [counts[key] if key[0] == one else None for key in reversed(bars)])
    return _render(chart, "indicators")


def plan_chart(digests: list[Digest], year: int) -> str:
    """Spending-plan curves: all filings of ``year`` weighted by budget, and the largest six."""
    filings = [d for d in digests if d.readable and d.year == year and d.plan is not None]
    weight = sum((d.budget for d in filings), Decimal(0))
    chart = _config("Line", list(PLAN_MONTHS), height=380, print_values=False, range=(0, 100))
    chart.title = f"{year} 年资金支出计划：累计支出进度（%）"
    if weight:
        overall = [
            sum((d.budget * d.plan[i] for d in filings), Decimal(0)) / weight for i in range(4)
        ]
        chart.add(
            "全部（按预算加权）",
            [_value(v, _percent(v)) for v in overall],
            stroke_style={"width": 4},
        )
    for d in sorted(filings, key=lambda d: -d.budget)[:6]:
        chart.add(label(d.name), [_value(v, _percent(v)) for v in d.plan])
    return _render(chart, "plan")


def yoy_chart(pairs: Iterable[tuple[str, Decimal, Decimal]], unit: str) -> str:
    """Last year's budget against this year's, per department."""
    pairs = sorted(pairs, key=lambda pair: -max(pair[1], pair[2]))[:BARS]
    chart = _config(
        "HorizontalBar", [label(name) for name, _, _ in pairs], height=90 + 44 * max(len(pairs), 2)
    )
    chart.title = f"同比：上年与本年项目预算（{unit}）"
    chart.add("上年", [_value(was, _money(was)) for _, was, _ in reversed(pairs)])
    chart.add("本年", [_value(now, _money(now)) for _, _, now in reversed(pairs)])
    return _render(chart, "yoy")


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _percent(share: Decimal) -> str:
    return f"{share:.1f}%"
