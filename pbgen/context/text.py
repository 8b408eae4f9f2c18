"""Text as every output prints it: what no format can carry removed, paragraphs, money as
written. Shared by the context sections and by every renderer."""

from __future__ import annotations

import re
from decimal import Decimal

# Control characters have no glyph and are illegal in XML: no output format can carry them.
# Bidi embeddings, overrides and isolates print nothing but reorder what follows (a title that
# reads reversed, 「≤10」 shown as 「01≥」): `pbgen check` reports them (invisible-character).
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
CLOSING_PUNCTUATION = "。；！？：，.;!?:,"


def printable(text: str) -> str:
    """``text`` without control characters or bidi controls, for every renderer."""
    return UNPRINTABLE.sub("", text)


def sentence(text: str) -> str:
    """A lead-in title as a sentence: add 。 unless it already ends with punctuation."""
    text = text.strip()
    return text if not text or text[-1] in CLOSING_PUNCTUATION else text + "。"


def joined(parts: list[str]) -> str:
    """Items as one sentence: 甲；乙；丙。"""
    cleaned = [part.strip().rstrip(CLOSING_PUNCTUATION) for part in parts if part.strip()]
    return "；".join(cleaned) + "。" if cleaned else ""


def paragraphs(text: str | None) -> list[str]:
    """Each non-empty line of a text is one paragraph."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def amount(value: Decimal | None) -> str:
    """Money as written in the filing (5.00 stays 5.00); blank when not given."""
    return "" if value is None else f"{value:f}"


def text(value) -> str:
    """A field as text: "" when not given."""
    return "" if value is None else str(value)


def extra_fields(extra: dict) -> list[dict]:
    """A record's ``extra`` as rows, in the filing's order: [{label, text}]."""
    return [{"label": label, "text": text} for label, text in extra.items()]
