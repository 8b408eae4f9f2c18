"""Inter-character justification of Chinese text in WeasyPrint, as Word and WPS justify.

WeasyPrint justifies a line only by widening its spaces (``layout/inline.py``: justify_line →
add_word_spacing; ``text/line_break.py``: Layout.set_text turns the spacing into a Pango
letter-spacing attribute on each space). Chinese text has no spaces, so a line that ends ½ to 3
characters short (digits, ≥, %, a kinsoku push-down) stays short, and a space kept from the
source (「大于 90%」) stretches up to 46 pt.

This extension, installed by :func:`install` when WeasyPrint is imported, shares a line's missing
width out between its CJK characters instead: each CJK character gets the same extra
letter-spacing (Pango puts half before and half after it), none is added before the line's first
or after its last character, and spaces and runs of digits or Latin keep their width. A line
without CJK characters is justified by WeasyPrint as before.

It replaces two functions, so it is tied to the WeasyPrint versions it was tested with
(``SUPPORTED``); on another version it is not installed and `pbgen doctor` says so.
"""

from __future__ import annotations

import re

SUPPORTED = ("70.",)  # WeasyPrint versions (prefixes) whose internals this extension was tested on
CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff“”‘’—…·]"
)

_installed: bool | None = None


def supported(version: str) -> bool:
    return version.startswith(SUPPORTED)


def install(weasyprint) -> bool:
    """Patch ``weasyprint`` (the imported module) once; False when its version is not supported."""
    global _installed
    if _installed is not None:
        return _installed
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    _installed = supported(weasyprint.__version__) and all(
        hasattr(module, name)
        for module, name in (
            (inline, "justify_line"),
            (inline, "add_word_spacing"),
            (line_break, "create_layout"),
            (line_break.Layout, "set_text"),
        )
    )
    if _installed:
        _patch(inline, line_break)
    return _installed


def _patch(inline, line_break) -> None:
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.ffi import pango

    spaces_only = inline.justify_line
    set_text = line_break.Layout.set_text

    def text_boxes(box):
        """The line's text boxes, in visual order (left to right)."""
        if isinstance(box, boxes.TextBox):
            yield box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    yield from text_boxes(child)

    def spacing_plan(box, line_first, line_last):
        """Per character of ``box``: the multiple of the spacing its attribute carries, and the
        multiple the box widens by. Pango gives a character half its letter-spacing on each
        side, but none outside the box's own text: a character at the box's edge inside the
        line gets the spacing twice (all of it on its inner side), one at the line's edge once
        (half of it, inside)."""
        text = box.text
        last = len(text) - 1
        factors = {}
        width = 0.0
        for index, character in enumerate(text):
            if not CJK.match(character):
                continue
            at_start, at_end = index == 0, index == last
            if at_start and at_end:
                continue  # Pango gives a lone character no spacing at all
            if (at_start and not line_first) or (at_end and not line_last):
                factors[index], width = 2, width + 1
            elif at_start or at_end:
                factors[index], width = 1, width + 0.5
            else:
                factors[index], width = 1, width + 1
        return factors, width

    def justify_line(context, line, extra_width):
        found = [box for box in text_boxes(line) if box.text]
        plans = [spacing_plan(box, box is found[0], box is found[-1]) for box in found]
        total = sum(width for _, width in plans)
        if not total:
            return spaces_only(context, line, extra_width)
        spacing = extra_width / total
        widened = {
            id(box): (factors, width * spacing)
            for box, (factors, width) in zip(found, plans, strict=True)
        }
        widen(context, line, spacing, widened, 0)

    def widen(context, box, spacing, widened, x_advance):
        """Like WeasyPrint's add_word_spacing: move each box right by what its predecessors
        grew, and give each text box a Pango layout that draws it with the extra spacing."""
        if isinstance(box, boxes.TextBox):
            box.position_x += x_advance
            factors, extra = widened.get(id(box), ({}, 0))
            if extra:
                layout = line_break.create_layout(
                    box.text,
                    box.style,
                    context,
                    max_width=None,
                    justification_spacing=box.justification_spacing,
                )
                layout.cjk_spacing = (spacing, factors)
                layout.deactivate()
                box.pango_layout = layout
                box.width += extra
                x_advance += extra
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += x_advance
            before = x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = widen(context, child, spacing, widened, x_advance)
            box.width += x_advance - before
        else:
            box.translate(x_advance, 0)
        return x_advance

    def set_text_with_cjk_spacing(self, text, justify=False):
        set_text(self, text, justify)
        cjk_spacing = getattr(self, "cjk_spacing", None)
        if not (justify and cjk_spacing):
            return
        spacing, factors = cjk_spacing
        base = self.style["letter_spacing"]
        base = 0 if base == "normal" else base
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes == line_break.ffi.NULL:
            attributes = line_break.ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        start = 0
        for index, character in enumerate(self.text):
            end = start + len(character.encode())
            if index in factors:
                attribute = pango.pango_attr_letter_spacing_new(
                    int((base + factors[index] * spacing) * line_break.TO_UNITS)
                )
                attribute.start_index, attribute.end_index = start, end
                pango.pango_attr_list_change(attributes, attribute)
            start = end
        pango.pango_layout_set_attributes(self.layout, attributes)

    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text_with_cjk_spacing
