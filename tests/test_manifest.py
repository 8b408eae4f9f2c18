"""Manifests: what a layout needs and prints, as paths in the filing's own terms."""

import pytest

from pbgen.load import load
from pbgen.manifest import ManifestError, given_paths, missing, read_manifest, title, unprinted

from conftest import project

MANIFEST = """\
id: hubei
name: 项目支出绩效目标表
title: "{{ department.name }}"
formats: [pdf]
needs:
  - projects[].attribute
  - department.code
prints:
  - department.name
  - projects[].name
"""


def test_titles_come_from_the_model():
    assert title("projects[].purpose") == "资金用途"
    assert title("units[].projects[].indicators[].basis") == "指标值确定依据"
    assert title("department_indicators[].basis") == "指标值确定依据（部门年度绩效指标）"
    assert title("projects[].period_indicators[].remark") == "备注（实施期绩效指标）"
    assert title("projects[].funds.own") == "自有资金（项目资金）"
    assert title("department.extra.项目类别") == "项目类别（其他栏目）"
    with pytest.raises(ValueError):
        title("projects[].purpos")


def test_a_manifest_naming_a_field_the_model_lacks_is_refused(tmp_path):
    (tmp_path / "hubei").mkdir()
    file = tmp_path / "hubei" / "manifest.yaml"
    file.write_text(MANIFEST.replace("department.code", "department.kode"), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"「department\.kode」不是文件中的字段"):
        read_manifest(file)
    file.write_text(MANIFEST.replace("formats: [pdf]", "formats: [odt]"), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest.yaml：formats\.0"):
        read_manifest(file)


def test_needs_name_each_project_lacking_a_field(write_filing, tmp_path):
    (tmp_path / "hubei").mkdir()
    file = tmp_path / "hubei" / "manifest.yaml"
    file.write_text(MANIFEST, encoding="utf-8")
    manifest = read_manifest(file)
    filing = load(write_filing(lambda d: project(d).update(attribute="新增"))).filing
    assert missing(filing, manifest.needs) == [
        "项目属性（1 个项目，如「文史资料编印费」）",
        "部门编码",
    ]


def test_extra_fields_are_given_and_reported_unless_printed(write_filing):
    def mutate(data):
        data["department"]["extra"] = {"主管部门联系人": "李四"}
        project(data)["extra"] = {"项目类别": "基础建设类"}

    filing = load(write_filing(mutate)).filing
    paths = given_paths(filing)
    assert "department.extra.主管部门联系人" in paths
    assert "units[].projects[].extra.项目类别" in paths
    prints = [path for path in paths if ".extra." not in path]
    assert unprinted(filing, prints) == ["主管部门联系人（其他栏目）", "项目类别（其他栏目）"]
    assert unprinted(filing, [*prints, "department.extra", "projects[].extra"]) == []


def test_unknown_keys_stay_errors_next_to_extra(write_filing):
    from pbgen.errors import InputError

    with pytest.raises(InputError, match="项目类别"):
        load(write_filing(lambda d: project(d).update(项目类别="基础建设类")))
