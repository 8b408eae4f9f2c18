"""Bold 仿宋 and 楷体 in the PDF: the regular face emboldened, as Word and LibreOffice draw it.

The official 仿宋 and 楷体 (and their free stand-ins FandolFang, FandolKai) have no bold face.
Asked for bold, fontconfig answers with the regular face marked ``embolden`` (its
90-synthetic.conf), and Pango's own renderer thickens the outlines. WeasyPrint writes the PDF
itself and ignores the mark (Kozea/WeasyPrint#1470): the PDF named the font FandolFang-Bold and
drew the regular outlines, with the ink of body text.

This extension, installed by :func:`install` when WeasyPrint is imported, draws the glyphs of
such a font filled and stroked (text render mode 2) with a line 1/30 of the font size wide, in
the text's colour: what LibreOffice writes into its PDFs for the same bold, and what Word's bold
of a face without one looks like. Advance widths stay the font's, so the layout is unchanged.

It wraps four methods of WeasyPrint's PDF stream, so it is tied to the WeasyPrint versions it
was tested with: those of pbgen/justify.py (``justify.SUPPORTED``).
"""

from __future__ import annotations

from functools import cache

from pbgen import justify

STROKE = 1 / 30  # of the font size: LibreOffice's line for an emboldened face (16 pt: 0.53 pt)
FILL_AND_STROKE, FILL = 2, 0  # PDF text render modes


@cache
def install(weasyprint) -> bool:
    """Patch ``weasyprint`` (the imported module) once; False on a version pbgen/justify.py's
    extension was not tested with either (both reach into the same release's internals)."""
    from weasyprint.pdf.stream import Stream

    methods = ("add_font", "set_font_size", "set_color", "end_text")
    if not justify.supported(weasyprint.__version__) or not all(
        hasattr(Stream, name) for name in methods
    ):
        return False
    _patch(Stream)
    return True


def _emboldened():
    """``emboldened(pango_font)``: whether fontconfig asked for the face to be emboldened."""
    from weasyprint.text import ffi as text_ffi

    ffi = text_ffi.ffi
    ffi.cdef(
        "FcPattern * pango_fc_font_get_pattern (PangoFont *font);"
        "FcResult FcPatternGetBool (const FcPattern *p, const char *object, int n, FcBool *b);"
    )
    get_pattern = text_ffi.pangoft2.pango_fc_font_get_pattern
    get_bool = text_ffi.fontconfig.FcPatternGetBool
    answer = ffi.new("FcBool *")

    def emboldened(pango_font) -> bool:
        pattern = get_pattern(ffi.cast("PangoFont *", pango_font))
        if pattern == ffi.NULL:
            return False
        found = get_bool(pattern, b"embolden", 0, answer) == 0  # FcResultMatch
        return found and bool(answer[0])

    return emboldened


def _patch(Stream) -> None:
    emboldened = _emboldened()
    add_font, set_font_size = Stream.add_font, Stream.set_font_size
    set_color, end_text = Stream.set_color, Stream.end_text
    bold_fonts: set[str] = set()  # the hashes (PDF resource names) of emboldened fonts

    def add_font_noting_emboldened(self, pango_font):
        font, size = add_font(self, pango_font)
        if font.hash not in bold_fonts and not font.bitmap and emboldened(pango_font):
            bold_fonts.add(font.hash)
        return font, size

    def set_color_remembering_fill(self, color, stroke=False):
        if not stroke:
            self.pbgen_fill = color
        set_color(self, color, stroke)

    def set_font_size_emboldening(self, font, size):
        set_font_size(self, font, size)
        stroke = size * STROKE if font in bold_fonts else None
        if stroke == getattr(self, "pbgen_stroke", None):
            return
        if stroke is None:
            self.set_text_rendering(FILL)
        else:
            fill = getattr(self, "pbgen_fill", None)
            if fill is not None:
                set_color(self, fill, stroke=True)
            self.set_line_width(stroke)
            self.set_text_rendering(FILL_AND_STROKE)
        self.pbgen_stroke = stroke

    def end_text_filling_again(self):
        """Text outside this text object is filled only, as WeasyPrint expects."""
        if getattr(self, "pbgen_stroke", None) is not None:
            self.set_text_rendering(FILL)
            self.pbgen_stroke = None
        end_text(self)

    Stream.add_font = add_font_noting_emboldened
    Stream.set_color = set_color_remembering_fill
    Stream.set_font_size = set_font_size_emboldening
    Stream.end_text = end_text_filling_again
