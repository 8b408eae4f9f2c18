"""Reading a DOCX into paragraphs and rows, whoever wrote it: gridBefore, the old hMerge, vMerge
without a value, content controls around rows and cells, tracked insertions and deletions."""

from __future__ import annotations

from docx import Document
from docx.oxml import parse_xml

from pbgen.office import Para, Row, read_office

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


TABLE = f"""<w:tbl {W}><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
  <w:tr>{cell("一级指标")}{cell("二级指标")}{cell("三级指标")}</w:tr>
  <w:tr>{cell("产出指标", '<w:vMerge w:val="restart"/>')}{cell("数量", '<w:hMerge w:val="restart"/>')}
        {cell("", "<w:hMerge/>")}</w:tr>
  <w:sdt><w:sdtContent><w:tr>{cell("", "<w:vMerge/>")}
    <w:sdt><w:sdtContent>{cell("时效")}</w:sdtContent></w:sdt>{cell("及时率")}</w:tr>
  </w:sdtContent></w:sdt>
  <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{cell("质量")}{cell("合格率")}</w:tr>
</w:tbl>"""

PARAGRAPH = f"""<w:p {W}><w:r><w:t>保留</w:t></w:r><w:ins><w:r><w:t>插入</w:t></w:r></w:ins>
  <w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:tab/><w:t>单位：万元</w:t></w:r></w:p>"""


def test_grid_positions_and_merges(tmp_path):
    document = Document()
    body = document.element.body
    body.insert(0, parse_xml(PARAGRAPH))
    body.insert(1, parse_xml(TABLE))
    path = tmp_path / "x.docx"
    document.save(path)
    items = read_office(path).items
    assert isinstance(items[0], Para) and items[0].text == "保留插入\t单位：万元"
    rows = [item for item in items if isinstance(item, Row)]
    assert [[c.text if c else None for c in row.slots] for row in rows] == [
        ["一级指标", "二级指标", "三级指标"],
        ["产出指标", "数量", "数量"],  # the old horizontal merge: one cell over two columns
        ["产出指标", "时效", "及时率"],  # vMerge without a value continues the cell above
        [None, "质量", "合格率"],  # gridBefore: the row starts in the second column
    ]
    assert rows[1].slots[0] is rows[2].slots[0]  # merged: one cell, not a copy
    assert rows[1].slots[1] is rows[1].slots[2]
    assert [len(row.cells) for row in rows] == [3, 2, 3, 2]
