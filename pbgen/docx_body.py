"""A Word template's body, rendered by docxtpl's rules one top-level element at a time.

docxtpl renders the whole body as one Jinja template into one string, parses it into one lxml
tree and puts it in the document; pbgen's post-passes then walk that tree. For a filing of
thousands of projects that is hundreds of megabytes, and time that grows faster than the filing.
Here the same steps run as a stream, so memory stays that of one table however long the filing:

1. docxtpl prepares the template's body as it does (``get_xml``, ``patch_xml``: its tags);
2. Jinja renders it piece by piece (``generate``), and the text docxtpl fixes after rendering
   (``render_xml_part``, ``resolve_listing``) is fixed in pieces cut after a ``</w:p>``, where
   none of those patterns can span a cut;
3. an lxml pull parser (python-docx's element classes) builds the body; every top-level child
   (a paragraph, a table, the final ``w:sectPr``) is complete once the next one has begun: it is
   fixed as docxtpl's ``fix_tables`` and ``fix_docpr_ids`` fix the whole tree, handed to the
   caller's post-pass, serialized and dropped.

Headers, footers, footnotes and properties are small: docxtpl renders them itself
(``AllButTheBody``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import element_class_lookup
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from lxml import etree

PIECE = 1 << 16  # characters of rendered XML fixed and parsed at a time

# A top-level element's post-pass: returns the bytes to write instead of the element, or None.
Finish = Callable[[etree._Element], bytes | None]


class AllButTheBody(DocxTemplate):
    """docxtpl rendering headers, footers, footnotes and properties as usual, but leaving the
    body empty: ``body_source`` is taken before ``render`` and streamed by ``stream_body``."""

    def build_xml(self, context, jinja_env=None):
        return f"<w:body {nsdecls('w')}/>"


def body_source(template: DocxTemplate) -> str:
    """The template's body as docxtpl prepares it for Jinja (call before ``render``)."""
    return template.patch_xml(template.get_xml())


def rendered_pieces(template: DocxTemplate, source: str, context: dict, env) -> Iterator[str]:
    """``source`` rendered with ``context`` and fixed as docxtpl's ``render_xml_part`` fixes
    its whole result, in pieces that each end after a ``</w:p>`` (the last: where it ends).

    Each fix is local to a paragraph (``resolve_listing``: from a ``<w:p`` to the first
    ``</w:p>``) or shorter, and no match can cross the end of a ``</w:p>``: fixing the pieces
    one by one gives what fixing the whole gives."""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    try:
        template.current_rendering_part = template.docx._part
        generated = env.from_string(lines).generate(context)
        pending: list[str] = []
        fresh = 0  # characters rendered since a cut was last looked for
        for text in generated:
            pending.append(text)
            fresh += len(text)
            if fresh >= PIECE:
                joined = "".join(pending)
                cut = joined.rfind("</w:p>") + len("</w:p>")
                if cut >= len("</w:p>"):
                    yield _fixed(template, joined[:cut])
                    joined = joined[cut:]
                pending, fresh = [joined], 0
    except TemplateError as error:  # as render_xml_part: the text near a syntax error
        if getattr(error, "lineno", None) is not None:
            first = max(error.lineno - 4, 0)
            near = lines.splitlines()[first : first + 7]
            error.docx_context = [re.sub(r"<[^>]+>", "", line) for line in near]
        raise
    yield _fixed(template, "".join(pending))


def _fixed(template: DocxTemplate, xml: str) -> str:
    """What docxtpl's ``render_xml_part`` does to Jinja's output."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return template.resolve_listing(xml)


def stream_body(
    template: DocxTemplate, source: str, context: dict, env, finish: Finish
) -> Iterator[bytes]:
    """The rendered body's XML as it stands in ``word/document.xml``, from ``<w:body>`` to
    ``</w:body>``, each top-level element passed through ``finish`` first."""
    yield b"<w:body>"
    pieces = (piece.encode() for piece in rendered_pieces(template, source, context, env))
    inherited = None
    for body, node in complete_children(pieces, qn("w:body")):
        if inherited is None:  # the text before the first child is complete once it has begun
            inherited = declarations(body)
            yield _text(body.text)
        yield _finished(template, body, node, inherited, finish)
    yield b"</w:body>"


def complete_children(pieces: Iterable[bytes], parent: str) -> Iterator[tuple]:
    """(the ``parent`` element, a child of it) for each child of the first ``parent`` in the
    XML of ``pieces``, once it is complete, its tail too: when the next child has begun. The
    tree holds python-docx's element classes; each child is dropped when the next is asked
    for. Parsed as docxtpl's ``fix_tables`` parses the rendered body (``recover``)."""
    parser = etree.XMLPullParser(events=("start",), tag=parent, recover=True)
    parser.set_element_class_lookup(element_class_lookup)
    found = None
    for piece in pieces:
        parser.feed(piece)
        found = found if found is not None else next((e for _, e in parser.read_events()), None)
        while found is not None and len(found) > 1:  # all but the last child are complete
            yield found, found[0]
            del found[0]
    parser.close()
    found = found if found is not None else next((e for _, e in parser.read_events()), None)
    while found is not None and len(found):
        yield found, found[0]
        del found[0]


def declarations(parent) -> list[bytes]:
    """The namespace declarations lxml copies onto a child of ``parent`` it serializes."""
    xml = etree.tostring(etree.Element(parent.tag, nsmap=parent.nsmap))
    return re.findall(rb' xmlns(?::[^=]*)?="[^"]*"', xml)


def _finished(template: DocxTemplate, body, node, inherited: list[bytes], finish: Finish) -> bytes:
    """A child of the body fixed as docxtpl fixes the whole body, finished and serialized."""
    if isinstance(node.tag, str):  # an element, not a comment
        if node.tag == qn("w:tbl") or node.find(f".//{qn('w:tbl')}") is not None:
            fixed = template.fix_tables(etree.tostring(node, encoding="UTF-8", with_tail=False))
            fixed.tail = node.tail
            body.replace(node, fixed)
            del fixed, node  # a new proxy, of python-docx's element classes
            node = body[0]
        for drawing in node.iter(qn("wp:docPr")):  # fix_docpr_ids, counting on from the last
            template.docx_ids_index += 1
            drawing.attrib["id"] = str(template.docx_ids_index)
        replaced = finish(node)
        if replaced is not None:
            return replaced
    return serialized(node, inherited)


def serialized(node, inherited: list[bytes]) -> bytes:
    """``node`` (and its tail) as it is written inside the document: without the namespace
    declarations lxml copies onto it from the root, where the document declares them."""
    xml = etree.tostring(node, encoding="UTF-8")
    end = xml.find(b">")
    head = xml[:end]
    for declaration in inherited:
        head = head.replace(declaration, b"", 1)
    return head + xml[end:]


def _text(text: str | None) -> bytes:
    if not text:
        return b""
    element = etree.Element("t")
    element.text = text
    return etree.tostring(element, encoding="UTF-8")[len(b"<t>") : -len(b"</t>")]
