"""Reading a 项目支出绩效目标申报表 (财预〔2020〕10号 model and its provincial variants): one
form per project, each under its title 「项目支出绩效目标申报表」 and 「（2024年度）」; the
project's identity, 项目资金 for the 实施期 and the year, 项目概况, 实施进度计划, 长期（中期）
and 年度 goals and indicators; 填报人, 单位负责人, 填报日期 at the foot."""

from __future__ import annotations

import re

from pbgen.importer.labels import split_label
from pbgen.importer.tables import FOOTER_LABELS, FormReader
from pbgen.office import Document, Para, squeeze


def read_forms(document: Document, draft) -> None:
    forms = FormReader()
    for item in document.items:
        if not isinstance(item, Para):
            forms.row(item)
            continue
        text = squeeze(item.text)
        if not text:
            continue
        if text.endswith("申报表") and len(text) <= 40:
            forms.start_project()
            item.used = True
            prefix = re.match(r"^(.*?)(\d{4})年度?.*申报表$", text)
            if prefix:
                draft.data["year"] = prefix.group(2)
                if prefix.group(1):
                    forms.department.setdefault("name", prefix.group(1))
        elif year := re.match(r"^[(（]?(\d{4})年度?[)）]?$", text):
            draft.data["year"] = year.group(1)
            item.used = True
        elif _sign_line(item, forms):
            pass
        elif forms.unit_line(item):
            _reporting_unit(item.text, forms)
    department = draft.data.setdefault("department", {})
    for key in ("name", "code"):
        if forms.department.get(key):
            department[key] = forms.department[key]
    department.update(forms.signature)
    draft.add_forms(forms)


def _sign_line(para: Para, forms: FormReader) -> bool:
    """「填报人：李晓燕  联系电话：…」, 「单位负责人：王建国  填报日期：2024年1月15日」."""
    found = split_label(para.text)
    if found is None or found[0] not in FOOTER_LABELS:
        return False
    forms.place(found[0], found[1], None, None)
    para.used = True
    return True


def _reporting_unit(text: str, forms: FormReader) -> None:
    """「填报单位（盖章）：竹溪县农业农村局  金额单位：万元」: the department."""
    match = re.match(r"^\s*填报单位\s*[(（]?盖章[)）]?\s*[:：]\s*(.+?)\s*(金额)?单位\s*[:：]", text)
    if match and match.group(1).strip():
        forms.department.setdefault("name", match.group(1).strip())
        forms.unit_label = ""
