"""One error tree. The CLI turns a ``PbgenError`` into a message and an exit code; anything
else is a bug in pbgen and keeps its traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pbgen.findings import Finding


class PbgenError(Exception):
    """A problem the user can fix. ``str(error)`` says what and how."""

    exit_code = 2


class InputError(PbgenError):
    """A filing that cannot be read at all: every problem found in it, with its place."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(finding.render() for finding in findings))
