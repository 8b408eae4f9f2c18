"""Build the 'pbgen' subsets of the free CJK fonts, once, at set-up.

WeasyPrint copies each font it uses whole into memory and subsets it for every PDF: the Noto
CJK collections are 20–27 MB each. Cut to GB 2312's hanzi and every non-hanzi character they
map, they are 3–5 MB, and a PDF is written ~30% faster with a third less memory. The font
stacks name each subset right before its full font, so a character outside GB 2312 still
prints, from the same design.

    python scripts/subset_fonts.py DEST_DIR

HarfBuzz (libharfbuzz-subset, which set-up installs) subsets in well under a second a font;
fontTools only renames the families.
"""

from __future__ import annotations

import ctypes
import io
import sys
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")
SC = 2  # the face of the Noto CJK collections whose cmap gives the Simplified Chinese glyphs

# (source file, face index, family, style) — the family the font stacks and fontconfig name
SUBSETS = [
    (NOTO / "NotoSerifCJK-Regular.ttc", SC, "pbgen Serif SC", "Regular"),
    (NOTO / "NotoSerifCJK-Bold.ttc", SC, "pbgen Serif SC", "Bold"),
    (NOTO / "NotoSansCJK-Regular.ttc", SC, "pbgen Sans SC", "Regular"),
    (NOTO / "NotoSansCJK-Bold.ttc", SC, "pbgen Sans SC", "Bold"),
    (WENKAI / "LXGWWenKai-Regular.ttf", 0, "pbgen Kai SC", "Regular"),
    (WENKAI / "LXGWWenKai-Bold.ttf", 0, "pbgen Kai SC", "Bold"),
]
LEFT_OUT = [  # ideographs (but for GB 2312's 6,763 hanzi) and Hangul syllables
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
    (0xAC00, 0xD7AF),
]
# The OpenType features a Chinese document is shaped with. Without `locl` and the vertical and
# Japanese forms, the closure keeps no Japanese, Korean or Traditional glyph variants.
FEATURES = ["ccmp", "calt", "liga", "rlig", "kern", "mark", "mkmk", "palt", "halt"]
LAYOUT_FEATURE_TAG = 6  # hb_subset_sets_t


def gb2312_hanzi() -> list[int]:
    """The 6,763 hanzi of GB 2312 (rows 16–87 of the EUC-CN table)."""
    hanzi = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                hanzi.append(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return hanzi


@cache
def _harfbuzz():
    hb = ctypes.CDLL("libharfbuzz.so.0")
    subset = ctypes.CDLL("libharfbuzz-subset.so.0")
    pointer = ctypes.c_void_p
    hb.hb_blob_create_from_file_or_fail.restype = pointer
    hb.hb_blob_create_from_file_or_fail.argtypes = [ctypes.c_char_p]
    hb.hb_face_create.restype = pointer
    hb.hb_face_create.argtypes = [pointer, ctypes.c_uint]
    hb.hb_face_collect_unicodes.argtypes = [pointer, pointer]
    hb.hb_set_add.argtypes = [pointer, ctypes.c_uint32]
    hb.hb_set_del_range.argtypes = [pointer, ctypes.c_uint32, ctypes.c_uint32]
    hb.hb_set_clear.argtypes = [pointer]
    hb.hb_tag_from_string.restype = ctypes.c_uint32
    hb.hb_tag_from_string.argtypes = [ctypes.c_char_p, ctypes.c_int]
    hb.hb_face_reference_blob.restype = pointer
    hb.hb_face_reference_blob.argtypes = [pointer]
    hb.hb_blob_get_data.restype = ctypes.POINTER(ctypes.c_char)
    hb.hb_blob_get_data.argtypes = [pointer, ctypes.POINTER(ctypes.c_uint)]
    for name in ("hb_blob_destroy", "hb_face_destroy"):
        getattr(hb, name).argtypes = [pointer]
    subset.hb_subset_input_create_or_fail.restype = pointer
    subset.hb_subset_input_unicode_set.restype = pointer
    subset.hb_subset_input_unicode_set.argtypes = [pointer]
    subset.hb_subset_input_set.restype = pointer
    subset.hb_subset_input_set.argtypes = [pointer, ctypes.c_int]
    subset.hb_subset_input_destroy.argtypes = [pointer]
    subset.hb_subset_or_fail.restype = pointer
    subset.hb_subset_or_fail.argtypes = [pointer, pointer]
    return hb, subset


def subset_font(source: Path, index: int, keep_hanzi: list[int]) -> bytes:
    """Every character the face maps, but of the ideographs only ``keep_hanzi``."""
    hb, subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(str(source).encode())
    if not blob:
        raise FileNotFoundError(source)
    face = hb.hb_face_create(blob, index)
    plan = subset.hb_subset_input_create_or_fail()
    unicodes = subset.hb_subset_input_unicode_set(plan)
    hb.hb_face_collect_unicodes(face, unicodes)
    for first, last in LEFT_OUT:
        hb.hb_set_del_range(unicodes, first, last)
    for codepoint in keep_hanzi:
        hb.hb_set_add(unicodes, codepoint)
    features = subset.hb_subset_input_set(plan, LAYOUT_FEATURE_TAG)
    hb.hb_set_clear(features)
    for feature in FEATURES:
        hb.hb_set_add(features, hb.hb_tag_from_string(feature.encode(), -1))
    result = subset.hb_subset_or_fail(face, plan)
    if not result:
        raise RuntimeError(f"HarfBuzz could not subset {source}")
    data_blob = hb.hb_face_reference_blob(result)
    length = ctypes.c_uint()
    data = ctypes.string_at(hb.hb_blob_get_data(data_blob, ctypes.byref(length)), length.value)
    hb.hb_blob_destroy(data_blob)
    hb.hb_face_destroy(result)
    subset.hb_subset_input_destroy(plan)
    hb.hb_face_destroy(face)
    hb.hb_blob_destroy(blob)
    return data


def renamed(font: bytes, family: str, style: str, source: Path) -> bytes:
    """The subset under its own family name, so fontconfig never mistakes it for the full font."""
    ttfont = TTFont(io.BytesIO(font), recalcTimestamp=False)  # same bytes on every machine
    full_name = f"{family} {style}"
    names = {
        1: family,
        2: style,
        3: f"{full_name}; subset of {source.name}",
        4: full_name,
        6: full_name.replace(" ", "-"),
        16: family,
        17: style,
    }
    table = ttfont["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    ttfont.save(out)
    return out.getvalue()


def main(destination: Path) -> None:
    destination.mkdir(parents=True, exist_ok=True)
    hanzi = gb2312_hanzi()
    for source, index, family, style in SUBSETS:
        if not source.is_file():
            print(f"subset_fonts: {source} not installed, skipped", file=sys.stderr)
            continue
        data = renamed(subset_font(source, index, hanzi), family, style, source)
        suffix = ".otf" if data[:4] == b"OTTO" else ".ttf"
        target = destination / f"{family.replace(' ', '')}-{style}{suffix}"
        target.write_bytes(data)
        print(f"subset_fonts: {target.name} {len(data) / 2**20:.1f} MB (from {source.name})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
