"""Same input, same bytes: two separate processes render identical DOCX and PDF; the only date
in the output comes from SOURCE_DATE_EPOCH or the budget year, never the clock."""

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime

import docx

from conftest import DATA, ROOT


def render_in_fresh_process(out, env_extra=None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(env_extra or {})
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pbgen",
            "render",
            str(DATA / "leting-2024.yaml"),
            "-o",
            str(out),
            "--force",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("[!.]*"))}


def test_two_processes_same_bytes(tmp_path):
    first = render_in_fresh_process(tmp_path / "a")
    second = render_in_fresh_process(tmp_path / "b")
    assert list(first) == ["leting-2024.docx", "leting-2024.pdf"]
    assert first == second


def test_dates_come_from_source_date_epoch_or_the_budget_year(tmp_path):
    render_in_fresh_process(tmp_path / "a")
    default = docx.Document(tmp_path / "a" / "leting-2024.docx").core_properties
    budget_year = datetime(2024, 1, 1, tzinfo=UTC)
    assert default.created == budget_year and default.modified == budget_year

    epoch = 1700000000
    hashes = render_in_fresh_process(tmp_path / "b", {"SOURCE_DATE_EPOCH": str(epoch)})
    stamped = docx.Document(tmp_path / "b" / "leting-2024.docx").core_properties
    expected = datetime.fromtimestamp(epoch, tz=UTC)
    assert stamped.created == expected
    assert hashes == render_in_fresh_process(tmp_path / "c", {"SOURCE_DATE_EPOCH": str(epoch)})
