"""The filing's own format: the ``pbgen:`` version key (pbgen/migrate.py)."""

from __future__ import annotations

from collections.abc import Iterator

from pbgen.check.registry import Issue, rule
from pbgen.framework import Framework
from pbgen.model import FORMAT, Filing


@rule("format-version", "warning", "文件开头要写格式版本（pbgen: 版本号）")
def format_version(filing: Filing, framework: Framework) -> Iterator[Issue]:
    if filing.pbgen is None:
        yield Issue(
            ("pbgen",),
            f"文件没有写格式版本：运行 pbgen migrate 加上「pbgen: {FORMAT}」，"
            "以后格式有变时 pbgen 才能替你升级。",
        )
