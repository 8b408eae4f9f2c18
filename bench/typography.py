"""Measurement (not a test): how the rendered seeds are typeset, in every format.

    python bench/typography.py                 # render data/*.yaml, measure PDF, DOCX and XLSX
    python bench/typography.py --from output/  # measure what is already there
    python bench/typography.py --format pdf    # only the PDFs (no LibreOffice)

The PDF is measured directly; the DOCX and XLSX as LibreOffice prints them (its PDF of them).
Per document, from the text positions (PyMuPDF, the `bench` extra):

- flush: share of body lines (3号) that are not the last of a paragraph and reach the right edge
  (within 1 pt; the edge is the commonest line end near the 版心's): the goal is ≥ 97%;
- lines: body lines on a full page (GB/T 9704: 22);
- first: characters on the first line of a paragraph (2 characters indent: 26);
- spaces: gaps inside a body line wider than 0.45 em, i.e. a space stretched by justification (0);
- cells: table cells whose last line is one hanzi under a longer line (0 where avoidable);
- open: pages whose table is not closed by a border at its foot (0);
- pages; page-number distance: the page number's 一字线 below the 版心's lower edge (7 mm);
- pn place: GB/T 9704 7.5 puts an odd page's number at the right, an even page's at the left,
  one character (of its 4号, 14 pt) in from the 版心's edge; a landscape table (公开表) centres
  it: the pages whose number stands elsewhere (0);
- short: pages but the last whose content ends above a third of the 版心 (0), unless the next
  page of a portrait form begins with a table row too tall for the room left (its rows may not
  split; the landscape 公开表's project rows may);
- bold: ink of bold runs against the same characters set regular (``bold_ink``, ≥ 1.3: bold
  仿宋 is the regular face emboldened, fill and stroke, as Word and LibreOffice draw it);
- fonts: the font each role printed in (body, headings, titles, tables, page numbers).

The functions are used by the tests too (tests/test_typography.py), so the structural figures
cannot regress unnoticed.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MM = 72 / 25.4
BODY = 16.0  # 3号
TABLE = 10.5  # 5号
MARGIN = {"portrait": (37, 35, 28, 26), "landscape": (28, 26, 35, 37)}  # top bottom left right
PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")
LEADER = re.compile(r"[·.…]{4,}|(?:· ){3,}")  # a 目录 entry is not running text
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]")
HANZI = re.compile(r"[\u4e00-\u9fff]")
PAGE_NUMBER_INSET = 14.0  # pt: GB/T 9704 7.5, odd pages' numbers 一字 in from the right, even left
PLACE_TOLERANCE_MM = 0.8
THIRD = 1 / 3  # no page but the last is filled less (a page's fill: how far down content reaches)
BOLD_INK = 1.3  # bold runs: at least this much ink as the same characters set regular


@dataclass
class Measure:
    pages: int = 0
    nonfinal: int = 0
    flush: int = 0
    full_pages: list[int] = field(default_factory=list)  # body lines on each full page
    pitches: Counter = field(default_factory=Counter)  # distance between body baselines → count
    first_lines: Counter = field(default_factory=Counter)  # characters → first lines
    stretched: list[str] = field(default_factory=list)  # context of each stretched space
    cells: Counter = field(default_factory=Counter)  # "年初工作安/排" → count
    page_number_mm: list[float] = field(default_factory=list)
    fonts: dict[str, Counter] = field(default_factory=dict)  # role → font → characters
    ragged: list[tuple[float, int, str]] = field(default_factory=list)
    open_feet: list[int] = field(default_factory=list)  # pages whose table is open at its foot
    fill: list[float] = field(default_factory=list)  # each page: how far down content reaches
    short: list[tuple[int, float]] = field(default_factory=list)  # (page, fill) under a third
    excused: list[tuple[int, float, str]] = field(default_factory=list)  # short, a row too tall
    numbers: list[tuple[int, int, str, float, str]] = field(default_factory=list)  # page, n,
    # where it stands, inset mm, where it should

    @property
    def flush_share(self) -> float | None:
        return self.flush / self.nonfinal if self.nonfinal else None

    @property
    def misplaced_numbers(self) -> list[tuple[int, int, str, float, str]]:
        """Page numbers not where GB/T 9704 7.5 puts them."""
        return [entry for entry in self.numbers if not _well_placed(entry)]

    def role_font(self, role: str) -> str:
        fonts = self.fonts.get(role)
        if not fonts:
            return "—"
        return fonts.most_common(1)[0][0]


def _font(name: str) -> str:
    return name.split("+", 1)[-1]


def text_lines(page) -> list[dict]:
    """Visual lines (spans on one baseline merged), each with its characters and boxes."""
    found = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            chars = [
                (c["c"], c["bbox"], span["size"], _font(span["font"]))
                for span in line["spans"]
                for c in span["chars"]
            ]
            ink = [c for c in chars if c[0].strip()]
            if not ink:
                continue
            found.append(
                {
                    "chars": chars,
                    "text": "".join(c[0] for c in chars).strip(),
                    "x0": min(c[1][0] for c in ink),
                    "x1": max(c[1][2] for c in ink),
                    "y0": line["bbox"][1],
                    "base": line["spans"][0]["origin"][1],
                    "size": round(max(c[2] for c in ink), 1),
                    "font": Counter(c[3] for c in ink).most_common(1)[0][0],
                }
            )
    found.sort(key=lambda line: (round(line["base"]), line["x0"]))
    merged = []
    for line in found:
        last = merged[-1] if merged else None
        if (
            last
            and abs(last["base"] - line["base"]) < 0.5
            and last["size"] == line["size"]
            and line["size"] >= 14
            and not PAGE_NUMBER.match(line["text"])
        ):
            last["chars"] += line["chars"]
            last["text"] += line["text"]
            last["x1"] = max(last["x1"], line["x1"])
        else:
            merged.append(line)
    return merged


def _page_number_mm(page, line, bottom_margin_mm: float) -> float:
    """Distance of the page number's dash (its ink, found on a rendering) below the 版心."""
    import pymupdf

    dash = next(c for c in line["chars"] if c[0] in "—–-")
    clip = pymupdf.Rect(dash[1])
    pixmap = page.get_pixmap(clip=clip, dpi=600, colorspace=pymupdf.csGRAY)
    rows = [
        y
        for y in range(pixmap.height)
        if any(pixmap.pixel(x, y)[0] < 128 for x in range(0, pixmap.width, 2))
    ]
    if not rows:
        return float("nan")
    centre = clip.y0 + (rows[0] + rows[-1] + 1) / 2 * clip.height / pixmap.height
    box_bottom = page.rect.height - bottom_margin_mm * MM
    return round((centre - box_bottom) / MM, 1)


def measure(pdf: Path, table_size: float = TABLE) -> Measure:
    """Every figure of the module docstring for one PDF."""
    import pymupdf

    result = Measure()
    document = pymupdf.open(pdf)
    result.pages = document.page_count
    pages = [text_lines(page) for page in document]
    body_fonts = Counter(
        c[3] for lines in pages for line in lines for c in line["chars"] if round(c[2], 1) == BODY
    )
    body_font = body_fonts.most_common(1)[0][0] if body_fonts else ""
    # The right edge lines are flush with: the commonest line end within 4 pt of the 版心's edge
    # (LibreOffice fills its line to a grid a little short of it), else that edge.
    near = [
        line["x1"]
        for page, lines in zip(document, pages, strict=True)
        for line in lines
        if line["size"] == BODY and abs(line["x1"] - _edge(page)) < 4
    ]
    commonest = Counter(round(end) for end in near).most_common(1)
    edge = statistics.median(e for e in near if round(e) == commonest[0][0]) if near else None
    pending = None  # the last body line of the previous page: (gap, page, text)
    for number, (page, lines) in enumerate(zip(document, pages, strict=True), start=1):
        width, height = page.rect.width, page.rect.height
        _top, bottom, left_mm, right_mm = MARGIN["portrait" if height > width else "landscape"]
        left, right = left_mm * MM, width - right_mm * MM
        right = edge or right
        for line in lines:
            if PAGE_NUMBER.match(line["text"]):
                result.page_number_mm.append(_page_number_mm(page, line, bottom))
                result.numbers.append((number, *_page_number_place(page, line)))
                result.fonts.setdefault("页码", Counter())[line["font"]] += len(line["text"])
                continue
            role = (
                "正文"
                if line["size"] == BODY and line["font"] == body_font
                else "标题（16pt）"
                if line["size"] == BODY
                else "大标题"
                if line["size"] >= 18
                else "表格"
                if line["size"] <= 12
                else f"{line['size']:g}pt"
            )
            result.fonts.setdefault(role, Counter())[line["font"]] += len(line["text"])
        body = [
            line
            for line in lines
            if line["size"] == BODY
            and not LEADER.search(line["text"])
            and not PAGE_NUMBER.match(line["text"])
        ]
        if len(body) >= 20:
            result.full_pages.append(len(body))
        for above, below in itertools.pairwise(body):
            if below["base"] - above["base"] < BODY * 2.2:
                result.pitches[round(below["base"] - above["base"], 2)] += 1
        starts = [line["x0"] - left > BODY * 1.5 or line["font"] != body_font for line in body]
        for index, line in enumerate(body):
            gap = right - line["x1"]
            if index == 0 and pending is not None and not starts[0]:
                _count(result, *pending)
            if index + 1 < len(body):
                following = body[index + 1]
                ends = starts[index + 1] or following["base"] - line["base"] > BODY * 2.5
                if not ends:
                    _count(result, gap, number, line["text"])
                    if (
                        line["x0"] - left > BODY * 1.5
                        and line["font"] == body_font
                        and all(CJK.match(c) for c in line["text"])
                    ):
                        result.first_lines[len(line["text"])] += 1
            _stretched(result, line)
        if body and body[-1]["font"] == body_font and body[-1]["x1"] > left + (right - left) / 2:
            pending = (right - body[-1]["x1"], number, body[-1]["text"])
        else:
            pending = None
        _cells(result, lines, table_size)
        if _table_foot_cover(page) < 0.99:
            result.open_feet.append(number)
        result.fill.append(_fill(page, lines))
    for number, share in enumerate(result.fill[:-1], start=1):
        if share < THIRD:
            why = _row_too_tall(document[number], share, document[number - 1])
            if why:
                result.excused.append((number, round(share, 2), why))
            else:
                result.short.append((number, round(share, 2)))
    return result


def _type_area(page) -> tuple[float, float, float, float]:
    """The 版心: left, top, right, bottom (pt)."""
    width, height = page.rect.width, page.rect.height
    top, bottom, left, right = MARGIN["portrait" if height > width else "landscape"]
    return left * MM, top * MM, width - right * MM, height - bottom * MM


def _fill(page, lines: list[dict]) -> float:
    """How far down the 版心 the page's content reaches (0: empty, 1: to its foot): its lowest
    text (the page number aside) or table rule."""
    _, top, _, bottom = _type_area(page)
    feet = [
        max(c[1][3] for c in line["chars"] if c[0].strip())
        for line in lines
        if not PAGE_NUMBER.match(line["text"])
    ]
    feet += [s[3] for s in _border_segments(page) if s[3] < bottom + 2]
    if not feet:
        return 0.0
    return max(0.0, min(1.0, (max(feet) - top) / (bottom - top)))


def _rules(page) -> list[float]:
    """The heights (pt) of the table's horizontal rules on the page, top to bottom."""
    left, _, right, _ = _type_area(page)
    wide = (right - left) / 3
    return sorted(
        {
            round((s[1] + s[3]) / 2, 1)
            for s in _border_segments(page)
            if s[3] - s[1] < 2.5 and s[2] - s[0] > wide
        }
    )


def _row_too_tall(following, share: float, page) -> str:
    """Why a short page is no flaw: the next page's first row (or the first below a repeated
    header row) is taller than the room the short page had left — a row of a portrait form may
    not split. A landscape table's (公开表's) project rows break over pages: nothing excuses."""
    if page.rect.width > page.rect.height:
        return ""
    _, top, _, bottom = _type_area(page)
    room = (1 - share) * (bottom - top)
    rows = [b - a for a, b in itertools.pairwise(_rules(following))][:2]
    if rows and max(rows) > room:
        return f"a row of {max(rows) / MM:.0f} mm, {room / MM:.0f} mm left"
    return ""


def _ink_box(page, rect, dpi: int = 300) -> tuple[float, float, float, float] | None:
    """The box (pt) of the dark pixels inside ``rect``: where a glyph's ink really is."""
    import pymupdf

    pixmap = page.get_pixmap(clip=rect, dpi=dpi, colorspace=pymupdf.csGRAY)
    width, samples = pixmap.width, pixmap.samples
    dark = [i for i, value in enumerate(samples) if value < 128]
    if not dark:
        return None
    xs = [i % width for i in dark]
    ys = [i // width for i in dark]
    scale = rect.width / width
    return (
        rect.x0 + min(xs) * scale,
        rect.y0 + min(ys) * scale,
        rect.x0 + (max(xs) + 1) * scale,
        rect.y0 + (max(ys) + 1) * scale,
    )


def _page_number_place(page, line) -> tuple[int, str, float, str]:
    """The printed number, where it stands (right, left, centre), how far in (mm: from the
    版心's right edge to the number's right end, from its left edge to the number's left end,
    from its centre to the number's), and where GB/T 9704 7.5 wants it: odd right, even left,
    a landscape table's centred."""
    import pymupdf

    number = int(re.sub(r"\D", "", line["text"]))
    ink = [c[1] for c in line["chars"] if c[0].strip()]
    rect = pymupdf.Rect(min(b[0] for b in ink) - 2, min(b[1] for b in ink),
                        max(b[2] for b in ink) + 2, max(b[3] for b in ink))  # fmt: skip
    x0, _, x1, _ = _ink_box(page, rect) or (rect.x0, 0, rect.x1, 0)
    left, _, right, _ = _type_area(page)
    expected = "centre" if page.rect.width > page.rect.height else "right" if number % 2 else "left"
    centre = (x0 + x1) / 2 - (left + right) / 2
    if abs(centre) < 3 * MM:
        return number, "centre", round(centre / MM, 1), expected
    if centre > 0:
        return number, "right", round((right - x1) / MM, 1), expected
    return number, "left", round((x0 - left) / MM, 1), expected


def _well_placed(entry: tuple[int, int, str, float, str]) -> bool:
    _page, _number, place, inset, expected = entry
    want = 0.0 if expected == "centre" else PAGE_NUMBER_INSET / MM
    return place == expected and abs(inset - want) <= PLACE_TOLERANCE_MM


def _border_segments(page) -> list[tuple[float, float, float, float]]:
    """Border strokes: WeasyPrint fills each cell border as a ring (an outer and an inner
    rectangle, even-odd); each side of it thicker than 0.3 pt is one segment."""
    segments = []
    for drawing in page.get_drawings():
        rects = [item[1] for item in drawing["items"] if item[0] == "re"]
        if len(rects) == 2 == len(drawing["items"]):
            outer, inner = sorted(rects, key=lambda r: -r.width * r.height)
            if outer.contains(inner):
                sides = [
                    (outer.x0, outer.y0, outer.x1, inner.y0),
                    (outer.x0, inner.y1, outer.x1, outer.y1),
                    (outer.x0, outer.y0, inner.x0, outer.y1),
                    (inner.x1, outer.y0, outer.x1, outer.y1),
                ]
                segments += [s for s in sides if min(s[2] - s[0], s[3] - s[1]) > 0.3]
                continue
        for item in drawing["items"]:
            if item[0] == "l":
                a, b = item[1], item[2]
                segments.append((min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)))
            elif item[0] == "re" and min(item[1].width, item[1].height) < 2.5:
                r = item[1]
                segments.append((r.x0, r.y0, r.x1, r.y1))
    return segments


def _table_foot_cover(page) -> float:
    """How much of the lowest table edge on the page a horizontal border covers (1: closed)."""
    segments = _border_segments(page)
    if not segments:
        return 1.0
    left = min(s[0] for s in segments)
    right = max(s[2] for s in segments)
    foot = max(s[3] for s in segments)
    covered = sorted((s[0], s[2]) for s in segments if s[3] - s[1] < 2.5 and abs(s[3] - foot) < 1.5)
    reach, total = left, 0.0
    for start, end in covered:
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total / (right - left)


def row_heights(pdf: Path) -> Counter:
    """Distances between neighbouring horizontal table rules (pt, to 0.1) → count: the heights
    of table rows, to compare the DOCX's with the PDF's."""
    import pymupdf

    heights: Counter = Counter()
    for page in pymupdf.open(pdf):
        rules = sorted(
            {
                round((s[1] + s[3]) / 2, 1)
                for s in _border_segments(page)
                if s[3] - s[1] < 2.5 < s[2] - s[0]
            }
        )
        heights.update(round(b - a, 1) for a, b in itertools.pairwise(rules))
    return heights


def cell_pitches(pdf: Path, size: float = TABLE) -> Counter:
    """Distances between the baselines of consecutive lines of table text in one column."""
    import pymupdf

    pitches: Counter = Counter()
    for page in pymupdf.open(pdf):
        lines = sorted(
            (round(line["bbox"][0]), line["spans"][0]["origin"][1])
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
            if abs(line["spans"][0]["size"] - size) < 0.3
        )
        for (x, y), (next_x, next_y) in itertools.pairwise(lines):
            if x == next_x and 0 < next_y - y < size * 2:
                pitches[round(next_y - y, 1)] += 1
    return pitches


STYLE = re.compile(r"[-,]?(?:Bold|Regular|Medium|Light|R|B)$")


def _face(font: str) -> str:
    """The face a font name is a style of: FandolFang-Bold and FandolFang-Regular → FandolFang."""
    return STYLE.sub("", _font(font))


def _bold(span: dict) -> bool:
    """Bold by name (FandolHei-Bold, WeasyPrint's FandolFang-Bold) or drawn filled and stroked
    (text render mode 2: Word's and LibreOffice's emboldened regular face)."""
    return bool(span["flags"] & 16 or span.get("char_flags", 0) & 32)


def bold_ink(pdf: Path, dpi: int = 288) -> list[tuple[int, str, float | None]]:
    """Each bold run as (page, text, ink ratio): the ink of its characters against the same
    characters set regular in the same face elsewhere in the document, per em² so sizes
    compare. None where no character of the run is set regular anywhere."""
    import pymupdf
    from PIL import Image, ImageStat

    document = pymupdf.open(pdf)
    flags = pymupdf.TEXTFLAGS_RAWDICT | pymupdf.TEXT_COLLECT_STYLES
    runs: list[tuple[int, list]] = []  # (page index, [(char, bbox, size, face)])
    regular: dict[tuple[str, str], list] = {}  # (face, char) → [(page index, bbox, size)]
    for index, page in enumerate(document):
        for block in page.get_text("rawdict", flags=flags)["blocks"]:
            for line in block.get("lines", []):
                run: list = []
                for span in line["spans"]:
                    face = _face(span["font"])
                    for char in span["chars"]:
                        if not char["c"].strip():
                            continue
                        if _bold(span):
                            run.append((char["c"], char["bbox"], span["size"], face))
                        else:
                            if run:
                                runs.append((index, run))
                                run = []
                            key = (face, char["c"])
                            regular.setdefault(key, []).append((index, char["bbox"], span["size"]))
                if run:
                    runs.append((index, run))
    wanted = {(face, c) for _, run in runs for c, _, _, face in run}
    images: dict[int, Image.Image] = {}

    def ink(index: int, bbox, size: float) -> float:
        if index not in images:
            pixmap = document[index].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            images[index] = Image.frombytes("L", (pixmap.width, pixmap.height), pixmap.samples)
        scale = dpi / 72
        box = tuple(round(v * scale) for v in bbox)
        crop = images[index].crop(box)
        blank = 255 * crop.width * crop.height
        return (blank - ImageStat.Stat(crop).sum[0]) / 255 / (size * scale) ** 2

    reference = {
        key: statistics.median(ink(*place) for place in regular[key][:5])
        for key in wanted
        if key in regular
    }
    found = []
    for index, run in runs:
        pairs = [
            (ink(index, bbox, size), reference[(face, c)])
            for c, bbox, size, face in run
            if reference.get((face, c))
        ]
        text = "".join(c for c, *_ in run)
        ratio = sum(b for b, _ in pairs) / sum(r for _, r in pairs) if pairs else None
        found.append((index + 1, text, None if ratio is None else round(ratio, 2)))
    return found


def _edge(page) -> float:
    """The right edge of the 版心."""
    width, height = page.rect.width, page.rect.height
    return width - MARGIN["portrait" if height > width else "landscape"][3] * MM


def _count(result: Measure, gap: float, page: int, text: str) -> None:
    result.nonfinal += 1
    if gap < 1.0:
        result.flush += 1
    else:
        result.ragged.append((round(gap, 1), page, text))


def _stretched(result: Measure, line: dict) -> None:
    ink = [c for c in line["chars"] if c[0].strip()]
    for index, (before, after) in enumerate(itertools.pairwise(ink)):
        if after[1][0] - before[1][2] > BODY * 0.45:
            context = "".join(c[0] for c in ink[max(0, index - 5) : index + 1])
            context += "␣" + "".join(c[0] for c in ink[index + 1 : index + 6])
            result.stretched.append(context)


def _cells(result: Measure, lines: list[dict], table_size: float) -> None:
    """A table line holding one hanzi right under a longer line of the same cell."""
    small = [line for line in lines if abs(line["size"] - table_size) < 0.2]
    for line in small:
        if len(line["text"]) == 1 and HANZI.match(line["text"]):
            above = [
                other
                for other in small
                if 0 < line["base"] - other["base"] < table_size * 1.6
                and other["x0"] <= line["x0"] + 1
                and other["x1"] >= line["x1"] - 1
                and len(other["text"]) > 1
            ]
            if above:
                result.cells[above[-1]["text"][-4:] + "/" + line["text"]] += 1


def soffice_pdf(source: Path, folder: Path) -> Path:
    """LibreOffice's PDF of a DOCX or XLSX (its own profile in ``folder``)."""
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=300)
    return folder / f"{source.stem}.pdf"


def row(name: str, m: Measure, bold: list[tuple[int, str, float | None]]) -> str:
    share = f"{m.flush_share:.1%}" if m.flush_share is not None else "—"
    lines = (
        f"{Counter(m.full_pages).most_common(1)[0][0]} ({min(m.full_pages)}–{max(m.full_pages)})"
        if m.full_pages
        else "—"
    )
    first = (
        f"{m.first_lines.most_common(1)[0][0]} ({sum(m.first_lines.values())}×)"
        if m.first_lines
        else "—"
    )
    pitch = "—"
    if m.pitches:
        commonest, tallest = m.pitches.most_common(1)[0][0], max(m.pitches)
        pitch = f"{commonest:g}" + (f" ({tallest:g})" if tallest > commonest + 0.1 else "")
    numbers = sorted(set(m.page_number_mm))
    distance = "/".join(f"{d:g}" for d in numbers) if numbers else "—"
    places = f"{len(m.misplaced_numbers)}/{len(m.numbers)}" if m.numbers else "—"
    ratios = [ratio for _, _, ratio in bold if ratio is not None]
    ink = f"{min(ratios):.2f} ({len(ratios)})" if ratios else "—"
    return (
        f"{name:<24}{share:>8}{lines:>11}{pitch:>15}{first:>10}{len(m.stretched):>7}"
        f"{sum(m.cells.values()):>6}{len(m.open_feet):>5}{m.pages:>6}{distance:>9}"
        f"{places:>8}{len(m.short):>6}{ink:>11}"
    )


HEADER = (
    f"{'document':<24}{'flush':>8}{'lines':>11}{'pitch pt':>15}{'first':>10}{'spaces':>7}"
    f"{'cells':>6}{'open':>5}{'pages':>6}{'pn mm':>9}{'pn off':>8}{'short':>6}{'bold ink':>11}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="measure this folder's outputs")
    parser.add_argument("--format", choices=["pdf", "docx", "xlsx"], action="append")
    parser.add_argument("-v", "--verbose", action="store_true", help="the ragged lines, cells")
    args = parser.parse_args()
    formats = args.format or ["pdf", "docx", "xlsx"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.source
        if folder is None:
            folder = Path(scratch) / "out"
            pbgen = Path(sys.executable).with_name("pbgen")
            subprocess.run(
                [str(pbgen), "render", str(ROOT / "data"), "-o", str(folder), "--force"],
                check=True,
                capture_output=True,
            )
        print(HEADER)
        fonts = {}
        for seed in sorted(folder.glob("*.pdf")):
            for kind in formats:
                source = seed.with_suffix(f".{kind}")
                if not source.exists():
                    continue
                pdf = source if kind == "pdf" else soffice_pdf(source, Path(scratch))
                m = measure(pdf)
                bold = bold_ink(pdf)
                name = f"{seed.stem} {kind}"
                print(row(name, m, bold), flush=True)
                fonts[name] = m
                if args.verbose:
                    for gap, page, text in sorted(m.ragged, reverse=True)[:5]:
                        print(f"    ragged {gap:5.1f} pt p.{page} {text}")
                    for context in m.stretched[:5]:
                        print(f"    stretched {context}")
                    for cell, count in m.cells.most_common(5):
                        print(f"    cell {cell} ×{count}")
                    for page, share in m.short:
                        print(f"    short p.{page} {share:.0%} full")
                    for page, share, why in m.excused:
                        print(f"    short p.{page} {share:.0%} full, excused: {why}")
                    for page, number, place, inset, expected in m.misplaced_numbers:
                        print(
                            f"    page number p.{page} — {number} — {place} {inset} mm, not {expected}"
                        )
                    for page, text, ratio in bold:
                        if ratio is None or ratio < BOLD_INK:
                            print(f"    bold p.{page} {text} ink ×{ratio}")
        print("\nfonts by role (the commonest font of each):")
        for name, m in fonts.items():
            roles = ", ".join(f"{role} {m.role_font(role)}" for role in sorted(m.fonts))
            print(f"  {name:<24}{roles}")
    print(
        "\nflush: non-final body lines reaching the right edge (goal ≥97%); lines: body lines on"
        " full pages (22); pitch: distances between body lines (28.95); first: characters on first lines (26); spaces: stretched spaces (0);"
        " cells: cells ending in one hanzi; open: pages whose table is open at its foot; pn mm: page number's dash below the 版心 (7);"
        " pn off: page numbers not at GB/T 9704's place (odd right, even left, 1 character in; landscape centred) (0);"
        " short: pages but the last under a third full (0); bold ink: least ink of a bold run against the same characters regular, and how many runs (≥1.3)."
    )


if __name__ == "__main__":
    main()
