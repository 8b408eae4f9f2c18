"""A kit folder read, laid over pbgen's own: defaults, frameworks, rules, tables, slots."""

import pytest

from pbgen.errors import PbgenError
from pbgen.framework import available, load_framework
from pbgen.kit import BUILT_IN, KitError, builtin_kit, over_builtin, read_kit
from pbgen.kitstore import kit_for
from pbgen.resources import templates_dir

from conftest import write_kit

OLDER = """\
title: 旧指标体系（满意度属效益指标）
levels:
  产出指标: [数量指标, 质量指标, 时效指标, 成本指标]
  效益指标: [经济效益指标, 社会效益指标, 生态效益指标, 可持续影响指标, 服务对象满意度指标]
required: [产出指标, 效益指标]
definitions:
  服务对象满意度指标: 服务对象对项目实施的满意程度，旧体系中属效益指标
"""


def test_pbgen_is_its_own_kit():
    kit = builtin_kit()
    assert kit.folder == templates_dir() and kit.origin == BUILT_IN
    assert (kit.id, kit.default_layout, kit.default_framework) == ("pbgen", "wenben", "standard")
    assert kit.layers == [kit]
    assert available() == ["2021", "standard"]


def test_pbgen_kit_version_is_pbgen_version():
    from pbgen import __version__

    assert builtin_kit().version == __version__


def test_a_bureau_kit_lies_over_pbgen(tmp_path):
    folder = write_kit(
        tmp_path / "kit",
        "id: czj\nname: 示例县财政局\nversion: 2025.1\nframework: older\n"
        "rules: {value-unit: error, basis-empty: off}\n",
        {"older": OLDER},
    )
    kit = over_builtin(folder, "test")
    assert [layer.id for layer in kit.layers] == ["pbgen", "czj"]
    assert kit.default_framework == "older" and kit.default_layout == "wenben"  # pbgen's, inherited
    assert sorted(kit.framework_files()) == ["2021", "older", "standard"]
    older = load_framework("older", kit)
    assert older.levels["效益指标"][-1] == "服务对象满意度指标" and older.required == [
        "产出指标",
        "效益指标",
    ]
    assert [(layer.id, id_, s.severity) for layer, id_, s in kit.rule_settings()] == [
        ("czj", "value-unit", "error"),
        ("czj", "basis-empty", "off"),
    ]
    assert kit.identity() == {"pbgen": builtin_kit().version, "czj": "2025.1"}
    assert kit.label == "示例县财政局（czj 2025.1）"


@pytest.mark.parametrize(
    "text, said",
    [
        ("name: x\nversion: 1\n", "id"),
        ("id: CZJ\nname: x\nversion: 1\n", "id"),
        ("id: czj\nname: x\nversion: abc\n", "不是版本号"),
        ("id: czj\nname: x\nversion: 1\nforms: []\n", "forms"),
        ("id: czj\nname: x\nversion: 1\npbgen: '>=99'\n", "要求 pbgen >=99"),
        ("id: czj\nname: x\nversion: 1\npbgen: 'soon'\n", "不是版本要求"),
        ("[", "YAML"),
    ],
)
def test_a_broken_kit_yaml_is_named_with_its_key(tmp_path, text, said):
    folder = write_kit(tmp_path / "kit", text)
    with pytest.raises(KitError, match=said) as error:
        read_kit(folder, "test")
    assert "kit" in str(error.value)


def test_a_folder_without_kit_yaml_is_not_a_kit(tmp_path):
    with pytest.raises(KitError, match=r"没有 kit\.yaml"):
        read_kit(tmp_path, "test")


def test_a_framework_file_with_a_mistake_is_named(tmp_path):
    folder = write_kit(
        tmp_path / "kit",
        "id: czj\nname: x\nversion: 1\n",
        {"bad": "title: 坏\nlevels: {产出指标: [数量指标]}\nrequired: [满意度指标]\n"},
    )
    with pytest.raises(PbgenError, match=r"bad\.yaml.*满意度指标 不是 levels"):
        load_framework("bad", over_builtin(folder, "test"))
    with pytest.raises(PbgenError, match="2021、bad、standard"):
        load_framework("none", over_builtin(folder, "test"))


def test_a_filing_may_name_a_framework_file_of_its_own(tmp_path):
    (tmp_path / "本地.yaml").write_text(OLDER, encoding="utf-8")
    framework = load_framework("本地.yaml", base=tmp_path)
    assert framework.name == "本地" and "服务对象满意度指标" in framework.levels["效益指标"]


def test_no_pbgen_toml_means_pbgen_kit(tmp_path):
    assert kit_for(tmp_path / "filing.yaml") is builtin_kit()


def test_kit_option_wins(tmp_path):
    folder = write_kit(tmp_path / "kit", "id: czj\nname: x\nversion: 1\n")
    assert kit_for(tmp_path / "filing.yaml", folder).id == "czj"


def test_a_kit_yaml_that_would_expand_is_refused_at_once(tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(9)
    )
    folder = write_kit(tmp_path / "kit", "id: k\nname: k\nversion: 1\n" + laughs)
    with pytest.raises(KitError, match="YAML 别名"):
        read_kit(folder, "test")
