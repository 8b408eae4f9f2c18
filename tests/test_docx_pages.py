"""LibreOffice, run to number a DOCX's 目录, reaches no network: each of its two guards alone
keeps a linked picture from being fetched from a server on 127.0.0.1 (the DOCX here still has
its link: ``docx_links`` is the third guard, tested in test_docx_links.py)."""

from __future__ import annotations

import io
import subprocess
import sys

from pbgen import docx_pages
from pbgen.docx_pages import NoPageNumbers, docx_toc_pages, without_network
from pbgen.pipeline import TEMPLATES

from conftest import hostile

WORD = TEMPLATES / "wenben" / "template.docx"


def linked(url: str) -> bytes:
    docx = io.BytesIO()
    hostile().linked_docx(WORD, docx, url, kinds=("image",))
    return docx.getvalue()


def test_libreoffice_with_pbgens_profile_fetches_no_linked_picture(monkeypatch):
    monkeypatch.setattr(docx_pages, "without_network", lambda: [])  # the profile alone
    with hostile().Server() as server:
        docx = linked(server.url)
        try:
            docx_toc_pages(docx, ["nothing"], "nothing")
        except NoPageNumbers as why:  # a template has no 目录 bookmarks: laid out all the same
            assert "书签" in str(why)
        assert server.requests == []


def test_without_network_reaches_nothing():
    """Where the system allows a network namespace (Linux, this CI), what runs under it cannot
    connect even to 127.0.0.1; where it does not, pbgen runs LibreOffice as it is."""
    command = without_network()
    if not sys.platform.startswith("linux"):
        assert command == []
        return
    fetch = (
        "import http.client, sys; connection = http.client.HTTPConnection('127.0.0.1', "
        "int(sys.argv[1]), timeout=5); connection.request('GET', '/'); connection.getresponse()"
    )
    with hostile().Server() as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        assert subprocess.run([sys.executable, "-c", fetch, port], timeout=60).returncode == 0
        assert len(server.requests) == 1  # the server answers whoever may reach it
        isolated = subprocess.run(
            [*command, sys.executable, "-c", fetch, port], capture_output=True, timeout=60
        )
        assert command and isolated.returncode != 0
        assert len(server.requests) == 1


def test_the_profile_says_offline(tmp_path):
    argument = docx_pages.offline_profile(tmp_path / "profile")
    assert argument == f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    settings = (tmp_path / "profile" / "user" / "registrymodifications.xcu").read_text()
    assert '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true' in settings
