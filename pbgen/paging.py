"""What a PDF's tables need from its page breaks, declared in the layout's HTML template and
done by one generic pass: any layout's template gets it by saying so.

WeasyPrint lays a table out without knowing what its rows mean. Two things a form needs are
known only once the pages are: where a row's lines go on over a page, a reader of the next page
should see whose they are (「名称（续）」); where a table of merged cells crosses a page, the
merged cells and a label beside the rows should start again on the new page (WeasyPrint leaves
a cell spanning a page break blank and open at the page foot). pbgen lays the PDF out, reads on
which page each row and line landed (their ids), changes the rows in the context and lays it
out again — at most three times more, until nothing changes.

A template declares a table of such rows on the element that holds them (a ``<table>`` or
``<tbody>``), which has an ``id``:

- ``data-pbgen-rows="rows"``: the context list (a dotted path, list items by number:
  ``directions.0.indicators``) laid out as the rows ``<id>-0``, ``<id>-1``, … (the id of each
  row's ``<tbody>`` or ``<tr>``). pbgen marks a row that begins a page ``page_start``;
- ``data-pbgen-lines="goals indicators"``: fields of a row whose items are lines, each with the
  id ``<id>-<row>-<field>-<n>``. A row whose lines land on several pages is cut into one row
  per page; those after the first begin their page;
- ``data-pbgen-continued="name"``: fields that read 「…（续）」 on a page a row goes on to;
- ``data-pbgen-once="amount"``: fields printed on a row's first page only;
- ``data-pbgen-spans="level1_span level2_span"``: merged-cell spans (``N`` rows from here, 0
  continuing the one above) restarted on each page the rows cross;
- ``data-pbgen-page-span="section_span"``: a span set, on each page's first row, to the rows
  of the table on that page (a label beside them all).

A long table of lines (more than ``FIRST_WINDOW`` rows) is paged a window of rows at a time
(``paged_rows``), so memory stays that of a window however long the table.

``data-pbgen-page-one`` on an element with an id says that its page is printed as page 1 (the
pages before it — a cover, a 目录 — are not counted): page numbers of anchors count from there.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from pbgen.parts import attributes

CONTINUED = "（续）"
FIRST_WINDOW = 40  # rows paged at once at first; a table of no more is laid out whole
WINDOW_PAGES = 40  # pages each later window is sized for, from the rows a page held so far
ROUNDS = 3  # layouts after the first: a page break moved by labels repeated above it, …
DECLARATION = re.compile(r"<[A-Za-z][^>]*?\sdata-pbgen-(?:rows|page-one)\b[^>]*>")


@dataclass(frozen=True)
class Rows:
    """One table's declaration (``data-pbgen-*`` of the element holding its rows)."""

    id: str
    path: str
    lines: tuple[str, ...] = ()
    continued: tuple[str, ...] = ()
    once: tuple[str, ...] = ()
    spans: tuple[str, ...] = ()
    page_span: str = ""

    def row_id(self) -> re.Pattern:
        return re.compile(re.escape(self.id) + r"-(\d+)")


@dataclass(frozen=True)
class Declared:
    tables: tuple[Rows, ...] = ()
    page_one: str | None = None  # the id of the element whose page is printed as page 1


class DeclarationError(ValueError):
    """A ``data-pbgen-rows`` the pass cannot follow: said with the template's words."""


def declared(html: str) -> Declared:
    """The tables and the first numbered page an HTML document declares."""
    tables, page_one = [], None
    for tag in DECLARATION.finditer(html):
        found = attributes(tag.group()[tag.group().find(" ") : -1])
        if "data-pbgen-page-one" in found and page_one is None:
            page_one = found.get("id") or None
        if "data-pbgen-rows" not in found:
            continue
        if not found.get("id"):
            raise DeclarationError(f"声明了 data-pbgen-rows 的元素要有 id：{tag.group()[:80]}")
        words = {name: tuple(found.get(f"data-pbgen-{name}", "").split()) for name in WORDS}
        tables.append(
            Rows(
                found["id"],
                found["data-pbgen-rows"],
                page_span=found.get("data-pbgen-page-span", "").strip(),
                **words,
            )
        )
    return Declared(tuple(tables), page_one)


WORDS = ("lines", "continued", "once", "spans")


# -- the context a table's rows are in ---------------------------------------------------------


def _steps(path: str) -> list[str | int]:
    return [int(step) if step.isdigit() else step for step in path.split(".") if step]


def rows_at(context: dict, path: str) -> list[dict]:
    value = context
    for step in _steps(path):
        value = value[step]
    if not isinstance(value, list):
        raise DeclarationError(f'data-pbgen-rows="{path}" 不是一个列表')
    return value


def with_rows(context, path: str | list, rows: list[dict]):
    """The context with the list at ``path`` replaced, the containers on the way copied."""
    steps = _steps(path) if isinstance(path, str) else path
    if not steps:
        return rows
    step, rest = steps[0], steps[1:]
    copy = list(context) if isinstance(context, list) else dict(context)
    copy[step] = with_rows(context[step], rest, rows)
    return copy


# -- the pass ----------------------------------------------------------------------------------


def paged(context: dict, html_of: Callable, render: Callable, lay_out: Callable | None = None):
    """The PDF of ``context``, laid out again until the declared tables fit their pages.
    ``html_of(context)`` renders the template; ``render(context, html)`` lays the HTML out and
    writes the PDF (an object with ``toc_pages``: anchor → page); ``lay_out(context,
    from_first_mark)`` lays it out without writing it (``render_pdf.Placed``), for paging a
    long table a window at a time before the whole is laid out."""
    html = html_of(context)
    tables = declared(html).tables
    long = [t for t in tables if t.lines and len(rows_at(context, t.path)) > FIRST_WINDOW]
    if lay_out is not None and len(tables) == 1 and long:
        context = with_rows(context, long[0].path, paged_rows(context, long[0], lay_out))
        html = html_of(context)
    pdf = render(context, html)
    del html
    for _ in range(ROUNDS if tables else 0):
        changed = context
        for table in tables:
            changed = with_rows(changed, table.path, _repaged(table, changed, pdf.toc_pages))
        if changed == context:
            break
        context = changed
        del pdf  # laid out, never written: its pages go before the next layout's come
        pdf = render(context, html_of(context))
    return pdf


def _repaged(table: Rows, context: dict, pages: dict[str, int]) -> list[dict]:
    """The table's rows as the pages they landed on want them: cut where their lines change
    page, else with their merged cells restarted where a page begins."""
    rows = rows_at(context, table.path)
    if table.lines:
        split = split_lines(table, rows, pages)
        if split != rows:
            return split
    if not table.spans and not table.page_span:
        return rows
    found = [pages.get(f"{table.id}-{index}") for index in range(len(rows))]
    starts = {
        index
        for index in range(1, len(rows))
        if found[index] is not None and found[index] != found[index - 1]
    } | {index for index, row in enumerate(rows) if row.get("page_start")}
    return restart_spans(rows, starts, table.spans, table.page_span)


def split_lines(table: Rows, rows: list[dict], pages: dict[str, int]) -> list[dict]:
    """Each row cut where its lines change page (the page of each line by its id): a part
    after the first begins its page, reads 「…（续）」 in the ``continued`` fields and leaves
    the ``once`` fields blank."""
    result = []
    for number, row in enumerate(rows):
        at = {
            field: [pages.get(f"{table.id}-{number}-{field}-{i}") for i in range(len(row[field]))]
            for field in table.lines
        }
        on = sorted({page for found in at.values() for page in found if page is not None})
        if len(on) < 2:
            result.append(row)
            continue
        for index, page in enumerate(on):
            part = {
                **row,
                **{
                    field: [
                        item for item, where in zip(row[field], at[field], strict=True)
                        if where == page
                    ]
                    for field in table.lines
                },
            }  # fmt: skip
            if index:
                part.update({field: row[field].removesuffix(CONTINUED) + CONTINUED
                             for field in table.continued})  # fmt: skip
                part.update({field: "" for field in table.once}, page_start=True)
            result.append(part)
    return result


def restart_spans(
    rows: list[dict], starts: set[int], spans: tuple[str, ...], page_span: str = ""
) -> list[dict]:
    """The rows with every merged cell (``spans``) cut where a page starts (``starts``: indices
    of rows that begin a page), and ``page_span`` on each page's first row the rows of the page.
    On the new page each merged cell starts again with its label."""
    if not rows:
        return rows
    bounds = sorted({0, len(rows), *(i for i in starts if 0 < i < len(rows))})
    changes: list[dict] = [{} for _ in rows]
    for name in spans:
        for index, row in enumerate(rows):
            span = row[name]
            if not span:
                continue
            end = index + span
            cut = index
            for bound in [*(b for b in bounds if index < b < end), end]:
                changes[cut][name] = bound - cut
                for covered in range(cut + 1, bound):
                    changes[covered][name] = 0
                cut = bound
    for first, end in itertools.pairwise(bounds):
        if page_span:
            changes[first][page_span] = end - first
        changes[first]["page_start"] = first > 0
    reset = {page_span: 0} if page_span else {}
    return [
        {**row, **reset, "page_start": False, **change}
        for row, change in zip(rows, changes, strict=True)
    ]


# -- a long table, a window at a time ------------------------------------------------------------


def paged_rows(context: dict, table: Rows, lay_out: Callable) -> list[dict]:
    """The rows as the pass pages the whole table, found a window of rows at a time, so that no
    more than a window's pages are laid out at once.

    A page is laid out the same in any document, as long as the same rows begin it: its first
    row does not go on from the page before. So each window is laid out and its rows split on
    their own; the rows before its last page that begins with a row of its own are settled, and
    that row and those after it begin the next window, marked to begin a page (``page_start``),
    the window laid out from there on without the title, as a part of the PDF is
    (``pbgen.parts``). Every settled row that begins a page is marked ``page_start``: it begins
    it in the whole table too, so the PDF may be cut there (a template writes
    ``data-pbgen-part`` on such a row). The rows as given when the laid-out pages show none of
    the table's row groups (``<tbody id>``)."""
    rows = rows_at(context, table.path)
    settled, carry, at, size = [], [], 0, FIRST_WINDOW
    while True:
        window, placed = _continued(
            table,
            carry + rows[at : at + size],
            lambda window, later=bool(carry): lay_out(
                with_rows(context, table.path, window), later
            ),
        )
        if not any(placed.row_groups):
            return rows
        starts = page_starts(table, placed.row_groups)
        if at + size >= len(rows):
            return settled + _starting(window, starts)
        cut = max((start for start in starts if start > 0), default=0)
        if not cut:  # one row goes on over every page of the window: take more rows
            size *= 2
            continue
        settled += _starting(window[:cut], starts)
        carry = [{**window[cut], "page_start": True}, *window[cut + 1 :]]
        at += size
        rate = len(window) / len(placed.row_groups)
        size = max(1, round(WINDOW_PAGES * rate) - len(carry))


def _continued(table: Rows, rows: list[dict], lay_out: Callable):
    """The rows split where their lines go on over a page and laid out again, at most
    ``ROUNDS`` times, until none does; and their last layout."""
    laid = lay_out(rows)
    for _ in range(ROUNDS):
        split = split_lines(table, rows, laid.anchors)
        if split == rows:
            break
        rows = split
        laid = lay_out(rows)
    return rows, laid


def page_starts(table: Rows, row_groups: list[list[str]]) -> set[int]:
    """The rows (their index) that begin a page, not going on from the page before."""
    row_id, starts = table.row_id(), set()
    for before, page in itertools.pairwise(row_groups):
        ours = [name for name in page if row_id.fullmatch(name)]
        row = row_id.fullmatch(ours[0]) if ours and ours[0] not in before else None
        if row:
            starts.add(int(row[1]))
    return starts


def _starting(rows: list[dict], starts: set[int]) -> list[dict]:
    """The rows, each that begins a page marked to (``page_start``)."""
    return [{**row, "page_start": True} if n in starts else row for n, row in enumerate(rows)]
