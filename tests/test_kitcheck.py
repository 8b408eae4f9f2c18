"""``pbgen kit check``: a kit is proved before it is published."""

import shutil
import subprocess
import sys

from pbgen.kitcheck import prove

from conftest import ROOT, write_kit

KIT = "id: czj\nname: 示例县财政局\nversion: 1\nlayout: {layout}\n"


def pbgen(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "pbgen", *map(str, args)], cwd=cwd, capture_output=True, text=True
    )


def test_pbgen_own_kit_passes(tmp_path):
    done = pbgen("kit", "check", ROOT / "templates", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for layout in ("wenben", "gongkai", "fubiao", "shenbao"):
        assert f"版式 {layout}" in done.stdout
    assert "XLSX" in done.stdout and "kit 通过检查" in done.stdout


def test_a_kit_with_a_copied_layout_passes_and_renders_each_format(tmp_path):
    kit = write_kit(tmp_path / "kit", KIT.format(layout="mine"))
    shutil.copytree(ROOT / "templates" / "gongkai", kit / "mine")
    manifest = kit / "mine" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: gongkai", "id: mine")
    manifest.write_text(text.replace("aliases: [公开表, 绩效目标公开表]", "aliases: []"))
    proof = prove(kit)
    assert proof.passed, proof.problems + [p for layout in proof.layouts for p in layout.problems]
    [layout] = proof.layouts
    assert layout.layout.id == "mine" and sorted(layout.made) == ["docx", "pdf", "xlsx"]
    assert layout.made["pdf"].endswith("页") and layout.errors == 0


def test_what_a_kit_gets_wrong_is_listed(tmp_path):
    kit = write_kit(
        tmp_path / "kit",
        KIT.format(layout="nowhere")
        + "framework: missing\nrules: {value-unit: error}\n"
        + "tables:\n  cost:\n    title: 成本\n    sum_equals: {amount: nothing}\n"
        + "    columns: [{key: amount, title: 金额}]\n",
        {"bad": "title: 旧\nlevels: {产出指标: [数量指标]}\nrequired: [满意度指标]\n"},
    )
    shutil.copytree(ROOT / "templates" / "wenben", kit / "mine")
    manifest = kit / "mine" / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("id: wenben", "id: mine"))
    (kit / "mine" / "example.yaml").unlink()
    done = pbgen("kit", "check", kit, cwd=tmp_path)
    assert done.returncode == 1
    said = done.stdout
    assert "满意度指标 不是 levels 中的一级或二级指标" in said
    assert "默认指标体系「missing」不在 kit 的 frameworks/ 里" in said
    assert "sum_equals 的「amount」不是它的金额列" in said
    assert "sum_equals 的「nothing」不是项目的字段" in said
    assert "默认版式「nowhere」不在 kit 里" in said
    assert "example.yaml：没有示例文件" in said
    assert "kit 有问题" in said


def test_an_unknown_rule_stops_the_proof(tmp_path):
    kit = write_kit(tmp_path / "kit", KIT.format(layout="wenben") + "rules: {nope: off}\n")
    proof = prove(kit)
    assert not proof.passed and "rules.nope：没有这条规则" in proof.problems[0]
