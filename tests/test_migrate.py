"""Format versions: old filings are refused with the command that upgrades them, and
``pbgen migrate`` upgrades them in place, changing nothing but the renamed keys."""

import codecs

import pytest
from typer.testing import CliRunner

from pbgen import migrate
from pbgen.cli import app
from pbgen.errors import InputError, PbgenError
from pbgen.load import load
from pbgen.migrate import FORMAT, Rename, migrate_file, migrate_text

from conftest import CLEAN, findings

OLD = """\
# yaml-language-server: $schema=../schema/filing.schema.json
# 石峰区政协 2023 — written before formats had numbers.

year: 2023        # 预算年度
layout: fubiao
money_unit: 元
department:
  name: 石峰区政协
  head: 张三      # 单位负责人签字
  filled_by: "李四"
units:
  - name: 本级
    projects:
      - {name: 会议经费, budget: 100}
"""


def test_old_filing_is_refused_with_the_command_to_run(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(OLD, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load(path)
    [finding] = raised.value.findings
    assert finding.rule == "format-version"
    assert f"pbgen migrate {path}" in finding.message
    assert "部门的 head → signed_by（单位负责人签字）（第 9 行）" in finding.message
    assert (finding.line, finding.column) == (9, 3)


def test_migrate_changes_only_the_renamed_key_and_adds_the_version(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(OLD, encoding="utf-8")
    migrated = migrate_file(path)
    expected = OLD.replace("  head: 张三      #", "  signed_by: 张三  #").replace(
        "year: 2023", f"pbgen: {FORMAT}  # 文件格式版本；升级用 pbgen migrate\nyear: 2023"
    )
    assert path.read_text(encoding="utf-8") == expected
    assert migrated.version == 1 and len(migrated.changes) == 2
    assert (
        "第 9 行" in migrated.changes[0]
        and "部门的 head → signed_by（单位负责人签字）" in migrated.changes[0]
    )
    filing = load(path).filing
    assert filing.pbgen == FORMAT and filing.department.signed_by == "张三"
    again = migrate_file(path)
    assert not again.changed and path.read_text(encoding="utf-8") == expected


def test_flow_style_quoted_keys_crlf_and_bom_are_kept(tmp_path):
    text = OLD.replace(
        'department:\n  name: 石峰区政协\n  head: 张三      # 单位负责人签字\n  filled_by: "李四"\n',
        "department: {name: 石峰区政协, 'head': 张三}\n",
    ).replace("\n", "\r\n")
    path = tmp_path / "old.yaml"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    migrate_file(path)
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    after = raw[3:].decode("utf-8")
    assert "department: {name: 石峰区政协, 'signed_by': 张三}\r\n" in after
    assert f"pbgen: {FORMAT}  # 文件格式版本；升级用 pbgen migrate\r\nyear: 2023" in after
    assert after.count("\r\n") == after.count("\n")
    assert load(path).filing.department.signed_by == "张三"


def test_stated_old_version_is_rewritten_in_place():
    text = OLD.replace("year: 2023", "pbgen: 1   # 格式\nyear: 2023")
    migrated = migrate_text(text, "x.yaml")
    assert f"pbgen: {FORMAT}   # 格式\nyear: 2023" in migrated.text


def test_unversioned_filing_without_old_keys_loads_with_a_warning(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(
        "\n".join(line for line in CLEAN.read_text("utf-8").splitlines() if "pbgen:" not in line)
    )
    [finding] = findings(path, "format-version")
    assert finding.severity == "warning" and "pbgen migrate" in finding.message


def test_newer_format_asks_for_a_newer_pbgen(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(CLEAN.read_text("utf-8").replace(f"pbgen: {FORMAT}", "pbgen: 99"))
    with pytest.raises(InputError, match="升级 pbgen"):
        load(path)
    with pytest.raises(PbgenError, match="升级 pbgen"):
        migrate_file(path)


def test_both_old_and_new_key_is_a_clash():
    text = OLD.replace("  head: 张三", "  head: 张三\n  signed_by: 王五")
    with pytest.raises(PbgenError, match="既有 head 又有 signed_by"):
        migrate_text(text, "x.yaml")


def test_the_next_rename_is_one_entry(monkeypatch):
    """A rename inside lists (every project of every unit), as the table's next entry."""
    monkeypatch.setattr(migrate, "FORMAT", FORMAT + 1)
    monkeypatch.setitem(
        migrate.MIGRATIONS, FORMAT + 1, [Rename("units.*.projects.*.budget", "amount", "测试")]
    )
    text = OLD + "      - name: 培训\n        budget: 50   # 预算数\n"
    migrated = migrate_text(text, "x.yaml")
    assert "- {name: 会议经费, amount: 100}" in migrated.text
    assert "        amount: 50   # 预算数\n" in migrated.text
    assert "signed_by: 张三" in migrated.text
    assert f"pbgen: {FORMAT + 1}" in migrated.text


def test_cli_migrate_check_then_write(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(OLD, encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(app, ["migrate", "--check", str(path)])
    assert dry.exit_code == 1 and "要改" in dry.output and path.read_text("utf-8") == OLD
    done = runner.invoke(app, ["migrate", str(path)])
    assert done.exit_code == 0 and f"已升级到第 {FORMAT} 版格式" in done.output
    assert runner.invoke(app, ["check", str(path)]).exit_code in (0, 1)
    assert "未改动" in runner.invoke(app, ["migrate", str(path)]).output


FORMAT_2 = """\
pbgen: 2  # 文件格式版本
year: 2023
layout: fubiao
money_unit: 万元
department: {name: 石峰区政协}
work_plan:  # 年度重点工作计划
  - task: 双月协商
    goal: |-
      为区域发展建言献策
      第二段
  # a comment among the rows
  - {task: 民主监督, owner: 各委办}
units:
  - name: 本级
    projects:
      - name: 业务性专项经费
        budget: "10"
        expense_details:
        - {content: 会议, amount: "6"}
        - content: 调研
          amount: "4"
          basis: 2000元*20=40000元
      - name: 会议经费
        budget: "3"
"""


def test_format_3_moves_the_tables_under_tables_keeping_everything_else(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(FORMAT_2, encoding="utf-8")
    migrated = migrate_file(path)
    after = path.read_text(encoding="utf-8")
    assert migrated.version == 2 and len(migrated.changes) == 3
    assert "tables:\n  work_plan:  # 年度重点工作计划\n    - task: 双月协商\n" in after
    assert "      goal: |-\n        为区域发展建言献策\n        第二段\n" in after
    assert "    # a comment among the rows\n    - {task: 民主监督, owner: 各委办}\nunits:" in after
    assert (
        '        tables:\n          expense_details:\n          - {content: 会议, amount: "6"}\n'
        in after
    )
    assert '      - name: 会议经费\n        budget: "3"\n' in after
    filing = load(path).filing
    assert filing.tables["work_plan"].rows[0]["goal"] == "为区域发展建言献策\n第二段"
    table = filing.units[0].projects[0].tables["expense_details"]
    assert [row["amount"] for row in table.rows] == ["6", "4"]
    assert findings(path, "table-total") == [] and findings(path, "arithmetic") == []


def test_a_table_key_already_there_is_left_to_the_clerk(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(FORMAT_2.replace("units:\n", "tables: {}\nunits:\n", 1), encoding="utf-8")
    with pytest.raises(PbgenError, match="既有 work_plan 又有 tables"):
        migrate_file(path)
    assert path.read_text(encoding="utf-8").startswith("pbgen: 2")
