"""Old .doc/.xls files: converted by LibreOffice in a profile of its own, or refused with what
to install when there is no LibreOffice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from importer.corpus import c03_yuedu, legacy

from pbgen.office import Para, Row, read_office

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_an_xls_reads_as_the_xlsx_it_was_saved_from(tmp_path):
    source = c03_yuedu(tmp_path / "表.xlsx")
    old = legacy(source, "xls", tmp_path)
    texts = lambda path: [  # noqa: E731
        [cell.text for cell in item.cells] if isinstance(item, Row) else item.text
        for item in read_office(path).items
    ]
    assert texts(old) == texts(source)
    assert isinstance(read_office(old).items[0], Para)


def test_without_libreoffice_the_message_says_what_to_install(tmp_path):
    old = tmp_path / "去年.doc"
    old.write_bytes(OLE + b"\0" * 512)
    bin_dir = Path(sys.executable).parent  # pbgen's own, and nothing else on PATH
    result = subprocess.run(
        [str(bin_dir / "pbgen"), "import", str(old)],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(bin_dir)},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"{old}：这是旧版 .doc 文件，要用 LibreOffice 先转成 .docx")
    assert "本机没有 LibreOffice" in result.stderr and "Traceback" not in result.stderr


def test_a_file_libreoffice_cannot_read_is_refused_in_bounded_time(tmp_path):
    old = tmp_path / "坏.xls"
    old.write_bytes(OLE + os.urandom(4096))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "pbgen"), "import", str(old)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"{old}：") and "Traceback" not in result.stderr
