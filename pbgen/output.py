"""What a format's renderer makes of a layout (``pbgen.formats``): the file and what comes with it.

A module of its own: the registry names the renderers, the renderers return this.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Output:
    """One format's file, its page count when the format has one of its own (PDF), and what the
    clerk should know about it, in Chinese."""

    data: bytes
    pages: int | None = None
    notices: list[str] = field(default_factory=list)
