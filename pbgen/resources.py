"""Where pbgen's own data lives, installed or in a checkout.

The templates are kept at the top of the repository (``templates/``, where a bureau finds
them); the wheel carries them as package data in ``pbgen/templates`` (pyproject.toml maps the
folder there). This is the one place that knows both.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@cache
def templates_dir() -> Path:
    """The built-in templates: ``pbgen/templates`` in an installed wheel, else the checkout's
    ``templates/`` (a source tree or an editable install). `pbgen doctor` reports a missing one."""
    installed, checkout = PACKAGE / "templates", PACKAGE.parent / "templates"
    return checkout if not installed.is_dir() and checkout.is_dir() else installed
