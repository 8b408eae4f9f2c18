"""Reading a 绩效文本 (seeds 000, 001, 004): cover, 目录, 第一部分 by its headings, 第二部分
one 绩效目标表 per project. Numbering （一）/1./一、 is stripped: pbgen generates it."""

from __future__ import annotations

import re

from pbgen.context.text import CLOSING_PUNCTUATION
from pbgen.importer.labels import fold, numbering
from pbgen.importer.tables import FormReader, numbered_title
from pbgen.office import Document, Para, Row, squeeze

# the parts of 第一部分 and the field each is read into: their headings are the layout's labels
SECTIONS = {"overall": "overall_goal", "sub": "sub_goals", "safeguards": "safeguards"}
PART_TITLES = ("部门整体绩效目标", "预算项目绩效目标", "项目绩效目标", "部门预算项目绩效目标")
TABLE_ENDINGS = ("绩效目标表", "项目绩效目标表", "绩效目标申报表")
DUTY_PREFIXES = {
    "主要职责": "responsibility",
    "职责目标": "duty_goal",
    "绩效目标": "goal",
    "绩效指标": "indicators",
    "绩效标准": "standard",
}
DUTY_PREFIX = re.compile(r"^(主要职责|职责目标|绩效目标|绩效指标|绩效标准)\s*(是|为|[:：])")
PROJECT_PREFIX = re.compile(r"^(绩效目标|绩效指标)\s*[:：]")


def read_outline(document: Document, draft) -> None:
    """Fill ``draft`` (an ``importer.Draft``) from a 绩效文本."""
    items = document.items
    part2 = _part2_start(items)
    forms = FormReader()
    _front_and_part1(items[:part2], draft, forms)
    for item in items[part2:]:
        if isinstance(item, Row):
            forms.row(item)
            continue
        text = item.text.strip()
        if not text:
            continue
        name = numbered_title(squeeze(text), TABLE_ENDINGS)
        if name:
            forms.start_project(name)
            item.used = True
        elif forms.unit_line(item):
            pass
        elif fold(text) in ("第二部分", *PART_TITLES) or _is_part(text):
            item.used = True
    draft.add_forms(forms)
    if "year" not in draft.data and document.title:
        _cover(Para(document.title), draft)  # a document without a cover: its title property


def _part2_start(items) -> int:
    """Where 第二部分 begins: its heading, else the first table title or form."""
    for index, item in enumerate(items):
        if isinstance(item, Para) and not _is_toc(item):
            folded = fold(item.text)
            starts = folded.startswith("第二部分") or numbered_title(folded, TABLE_ENDINGS)
            if starts and not _looks_like_toc_line(item.text):
                return index
        if isinstance(item, Row):
            return index
    return len(items)


def _is_part(text: str) -> bool:
    return bool(re.match(r"^第[一二三四]部分", fold(text)))


def _is_toc(para: Para) -> bool:
    style = para.style.lower().replace(" ", "")
    return style.startswith(("toc", "目录")) or style in ("tocheading",)


def _looks_like_toc_line(text: str) -> bool:
    """「一、总体绩效目标……1」: a 目录 line ends with its page number."""
    return re.search(r"\D\d{1,3}$", text.strip()) is not None


def _front_and_part1(items, draft, forms: FormReader) -> None:
    """Cover, 目录 and 第一部分."""
    section = ""
    blocks: dict[str, list[Para]] = {"overall": [], "sub": [], "safeguards": []}
    in_toc = False
    before: Para | None = None  # the line above the title, when nothing took it
    for item in items:
        if not isinstance(item, Para) or not item.text.strip():
            continue
        text = item.text.strip()
        folded = fold(text)
        if folded in ("目录", "目次"):
            item.used, in_toc = True, True
            continue
        if _is_toc(item) or (in_toc and _looks_like_toc_line(text)):
            item.used = True
            continue
        in_toc = False
        if not section and _cover(item, draft):
            named = draft.data.get("department", {}).get("name")
            if not named and before is not None and len(squeeze(before.text)) <= 30:
                # the cover's first line: the department, above 「2025年度部门预算绩效文本」
                draft.data.setdefault("department", {})["name"] = squeeze(before.text)
                draft.notes.remove(before.text.strip())
            before = None
            continue
        if _is_part(text) or folded in PART_TITLES:
            item.used = True
            continue
        kind, _, rest = numbering(text)
        found = _section_of(fold(rest) if kind else folded, draft.labels)
        if found and (kind == "section" or found != section) and len(fold(rest)) <= 20:
            section = found
            item.used = True
            continue
        if section:
            blocks[section].append(item)
        elif not forms.unit_line(item):  # 「填报单位：…（131040）  单位：万元」 above the forms
            draft.note(text)
            before = item
            item.used = True
    if blocks["overall"]:
        draft.data["overall_goal"] = _overall(blocks["overall"])
    if blocks["sub"]:
        draft.data["sub_goals"] = _sub_goals(blocks["sub"], draft)
    if blocks["safeguards"]:
        draft.data["safeguards"] = _safeguards(blocks["safeguards"])


def _section_of(folded: str, labels: dict[str, list[str]]) -> str:
    for key, path in SECTIONS.items():
        if folded in {fold(spelling) for spelling in labels.get(path, [])}:
            return key
    return ""


def _cover(para: Para, draft) -> bool:
    """The title (department and year), and the cover's 编制 / 审核 lines."""
    text = squeeze(para.text)
    match = re.match(r"^(.*?)(\d{4})\s*年度?(部门预算)?(绩效文本|.*绩效目标.*)$", text)
    if match and "year" not in draft.data:
        draft.data["year"] = match.group(2)
        if match.group(1):
            draft.data.setdefault("department", {})["name"] = match.group(1)
        para.used = True
        return True
    if text.endswith("编制") and len(text) <= 30:
        draft.data.setdefault("department", {})["compiled_by"] = para.text.strip()
        para.used = True
        return True
    if text.endswith("审核") and len(text) <= 30:
        draft.data.setdefault("department", {})["reviewed_by"] = para.text.strip()
        para.used = True
        return True
    return False


def _lines(paras: list[Para]) -> list[str]:
    for para in paras:
        para.used = True
    return [line.strip() for para in paras for line in para.text.split("\n") if line.strip()]


def _joined(lines: list[str]) -> str | None:
    return "\n".join(lines) or None


def _titled(rest: str) -> tuple[str, list[str]]:
    """「加强党建引领。以庆祝…」 → (加强党建引领, [以庆祝…]): the lead-in title is the first
    sentence; a title on its own line has no body here."""
    match = re.search(r"[。！？]", rest)
    if match:
        body = rest[match.end() :].strip()
        return rest[: match.start()].strip(), [body] if body else []
    return rest.strip().rstrip("：:"), []


def _overall(paras: list[Para]):
    lines = _lines(paras)
    text: list[str] = []
    items: list[dict] = []
    duty: dict | None = None
    for index, line in enumerate(lines):
        kind, _, rest = numbering(line)
        if duty is not None:
            if kind == "arabic":
                duty["items"].append({"title": rest.strip(), "text": []})
            elif duty["items"]:
                duty["items"][-1]["text"].append(line)
            else:
                duty["intro"].append(line)
        elif kind == "bracket":
            title, body = _titled(rest)
            items.append({"title": title, "text": body})
        elif (
            line.endswith(("：", ":"))
            and len(line) <= 20
            and (text or items)
            and any(numbering(later)[0] == "arabic" for later in lines[index + 1 : index + 4])
        ):
            duty = {"title": line.rstrip("：:"), "intro": [], "items": []}
        elif items:
            items[-1]["text"].append(line)
        else:
            text.append(line)
    if not items and duty is None:
        return _joined(text)
    goal: dict = {"text": _joined(text)}
    if items:
        goal["items"] = [{"title": i["title"], "text": _joined(i["text"])} for i in items]
    if duty is not None:
        goal["duty_goals"] = {
            "title": duty["title"],
            "intro": _joined(duty["intro"]),
            "items": [{"title": i["title"], "text": _joined(i["text"])} for i in duty["items"]],
        }
    return goal


def _heading(paras: list[Para]) -> str | None:
    """A short unnumbered line without closing punctuation, or styled as a heading, first."""
    if len(paras) < 2:
        return None
    first = paras[0].text.strip()
    styled = "heading" in paras[0].style.lower() or "标题" in paras[0].style
    plain = not numbering(first)[0] and first[-1] not in CLOSING_PUNCTUATION and len(first) <= 30
    if styled or plain:
        paras[0].used = True
        return first
    return None


def _sub_goals(paras: list[Para], draft):
    heading = _heading(paras)
    lines = _lines(paras[1:] if heading else paras)
    sub: dict = {"heading": heading}
    intro = []
    while lines and not numbering(lines[0])[0]:
        intro.append(lines.pop(0))
    sub["intro"] = _joined(intro)
    kinds = {numbering(line)[0] for line in lines} - {""}
    if kinds == {"bracket"} or (kinds and "bracket" in kinds and "arabic" not in kinds):
        items = []
        for line in lines:
            kind, _, rest = numbering(line)
            if kind == "bracket":
                title, body = _titled(rest)
                items.append({"title": title, "text": body})
            elif items:
                items[-1]["text"].append(line)
        sub["items"] = [{"title": i["title"], "text": _joined(i["text"])} for i in items]
        return sub
    groups: list[tuple[str, list[str]]] = []
    for line in lines:
        kind, _, rest = numbering(line)
        if kind in ("arabic", "section") and not DUTY_PREFIX.match(rest):
            groups.append((rest.strip(), []))
        elif groups:
            groups[-1][1].append(line)
        else:
            intro.append(line)
    bodies = [line for _, body in groups for line in body]
    if bodies and all(PROJECT_PREFIX.match(line) for line in bodies if line):
        sub["from_projects"] = True
        draft.derived_sub_goals = groups  # compared with the projects once they are read
        return sub
    duties = []
    for name, body in groups:
        duty: dict = {"name": name}
        last = None
        for line in body:
            match = DUTY_PREFIX.match(line)
            if match:
                last = DUTY_PREFIXES[match.group(1)]
                duty[last] = line[match.end() :].strip()
            elif last:
                duty[last] += "\n" + line
            else:
                draft.note(line)
        duties.append(duty)
    if duties:
        sub["duties"] = duties
    else:
        sub["items"] = [{"title": line} for line in lines]
    return sub


def _safeguards(paras: list[Para]):
    heading = _heading(paras)
    lines = _lines(paras[1:] if heading else paras)
    numbered = numbering(lines[0])[0] == "arabic" if lines else False
    items: list[str] = []
    if numbered:
        expected = 1
        for line in lines:
            kind, number, rest = numbering(line)
            if kind == "arabic" and number == expected:
                items.append(rest.strip())
                expected += 1
            else:
                items[-1] += "\n" + line
    else:
        items = lines
    if not heading and numbered:
        return items
    result: dict = {"heading": heading}
    if not numbered:
        result["numbered"] = False
    result["items"] = items
    return result
