"""A Word template's links to outside content never reach LibreOffice or the DOCX made from it;
a field that fetches is refused. Each render is `pbgen` in a process of its own, with a time
limit, pointed at a server on 127.0.0.1 that must get no request."""

from __future__ import annotations

import datetime
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from office import soffice_pdf

from pbgen.docx_links import FetchingField, without_outside_links
from pbgen.pipeline import TEMPLATES
from pbgen.render_docx import normalized_zip

from conftest import hostile, pbgen

STAMP = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
WORD = TEMPLATES / "wenben" / "template.docx"


def rewrite(data: bytes, parts: dict) -> bytes:
    return normalized_zip(data, STAMP, parts)


def external(docx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return [
            name
            for name in package.namelist()
            if name.endswith(".rels") and b'TargetMode="External"' in package.read(name)
        ]


def test_a_rendered_docx_fetches_nothing_and_keeps_its_web_link(tmp_path):
    """A template with a linked picture, a sub-document, a linked OLE object, an attached
    template and a hyperlink: LibreOffice (numbering the 目录) asks the server nothing; the
    DOCX keeps only the http hyperlink; Word's reader (python-docx) and LibreOffice open it;
    the clerk is told what was removed."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    filing = hostile().clean_filing(tmp_path / "filing.yaml")
    with hostile().Server() as server:
        hostile().linked_docx(WORD, templates / "wenben" / "template.docx", server.url)
        done = pbgen(
            "render", filing, "-o", tmp_path / "out", "-f", "docx", "--template-dir", templates,
            cwd=tmp_path, seconds=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        docx = tmp_path / "out" / "filing.docx"
        pdf = soffice_pdf(docx, tmp_path / "opened")  # a recipient opens it
        assert server.requests == []
    output = " ".join((done.stdout + done.stderr).split())
    assert "指向外部的链接" in output and f"图片 {server.url}image" in output
    assert f"附加模板 {server.url}template" in output and "hyperlink" not in output
    with zipfile.ZipFile(docx) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        body = package.read("word/document.xml").decode()
        settings = package.read("word/settings.xml").decode()
    assert rels.count('TargetMode="External"') == 1 and f"{server.url}hyperlink" in rels
    assert "r:link" not in body and "subDoc" not in body and "OLEObject" not in body
    assert "attachedTemplate" not in settings
    assert "委员视察经费" in "".join(p.text for p in Document(str(docx)).paragraphs)
    assert pdf.is_file()


def test_references_to_removed_links_go_with_them():
    """Inside the package: a file: hyperlink is removed (its text stays), an http one kept;
    the picture loses its link, the attached template its element; without links the bytes
    are returned as they were, with no notice."""
    assert without_outside_links(WORD.read_bytes(), WORD, rewrite) == (WORD.read_bytes(), [])
    linked = io.BytesIO()
    hostile().linked_docx(WORD, linked, "file:///etc/", kinds=("image", "hyperlink", "template"))
    docx, notices = without_outside_links(linked.getvalue(), WORD, rewrite)
    assert external(docx) == []
    assert len(notices) == 1 and "超链接 file:///etc/hyperlink" in notices[0]
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = package.read("word/document.xml").decode()
        assert "r:link" not in body and "rIdX" not in body and "链接</w:t>" in body
        assert "attachedTemplate" not in package.read("word/settings.xml").decode()


FIELDS = {
    "simple": '<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;{url}x.png&quot; \\d ">'
    "<w:r><w:t>图</w:t></w:r></w:fldSimple></w:p>",
    "split": '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDE'
    '</w:instrText></w:r></w:p><w:p><w:r><w:instrText>TEXT "{url}x.docx" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>文</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
    "dde": '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> ddeauto c:\\\\'
    'windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r><w:r><w:fldChar '
    'w:fldCharType="end"/></w:r></w:p>',
}


@pytest.mark.parametrize("field", list(FIELDS))
def test_a_field_that_fetches_or_runs_is_refused(tmp_path, field):
    """Written in one piece, split over runs and paragraphs, or in lower case."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    filing = hostile().clean_filing(tmp_path / "filing.yaml")
    with hostile().Server() as server:
        with zipfile.ZipFile(WORD) as source:
            parts = {name: source.read(name) for name in source.namelist()}
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"<w:body>", b"<w:body>" + FIELDS[field].format(url=server.url).encode(), 1
        )
        with zipfile.ZipFile(templates / "wenben" / "template.docx", "w") as target:
            for name, data in parts.items():
                target.writestr(name, data)
        done = pbgen(
            "render", filing, "-o", tmp_path / "out", "-f", "docx", "--template-dir", templates,
            cwd=tmp_path, seconds=300,
        )  # fmt: skip
        assert server.requests == []
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, output
    assert "template.docx 里有一个" in output and "域" in output and "Traceback" not in output
    assert not (tmp_path / "out" / "filing.docx").exists()


def test_the_field_check_names_the_template():
    docx = io.BytesIO()
    with zipfile.ZipFile(WORD) as source, zipfile.ZipFile(docx, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + FIELDS["dde"].encode(), 1)
            target.writestr(name, data)
    with pytest.raises(FetchingField, match=r"模板\.docx 里有一个 DDEAUTO 域"):
        without_outside_links(docx.getvalue(), Path("模板.docx"), rewrite)
