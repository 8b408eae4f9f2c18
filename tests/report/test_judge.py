"""judge: the one place the report decides what a filing is told. A filing's own check.disable
drops a rule; a rule the bureau's kit locks is reported all the same."""

from __future__ import annotations

from pbgen.check import check
from pbgen.kit import over_builtin
from pbgen.load import load
from pbgen.report.build import build_report
from pbgen.report.judge import judge

from conftest import project, write_kit


def _disabling_a_broken_plan(data: dict) -> None:
    project(data)["spending_plan"]["12月底"] = "90%"  # plan-incomplete
    project(data, 1)["indicators"]["产出指标"]["数量指标"][0]["basis"] = ""  # basis-empty
    data["check"] = {"disable": ["plan-incomplete", "basis-empty"]}


def test_a_filing_that_disables_a_rule_hides_it_and_the_report_says_so(write_filing):
    judged = judge(load(write_filing(_disabling_a_broken_plan)))
    assert "plan-incomplete" not in {f.rule for f in judged.findings}
    assert judged.disabled == ("plan-incomplete", "basis-empty")
    assert judged.hidden == {"basis-empty": 1, "plan-incomplete": 1}
    assert judged.overruled == frozenset()


LOCKING = "id: czj\nname: 示例县财政局\nversion: 1\nrules: {plan-incomplete: {locked: true}}\n"


def test_a_filing_that_disables_a_locked_rule_is_still_reported(write_filing, tmp_path):
    path = write_filing(_disabling_a_broken_plan)
    kit = over_builtin(write_kit(tmp_path / "kit", LOCKING), "test")
    judged = judge(load(path), kit)
    (finding,) = [f for f in judged.findings if f.rule == "plan-incomplete"]
    assert finding.severity == "error" and "12月底" in finding.field
    assert judged.is_overruled(finding)
    assert judged.overruled == {"plan-incomplete"}
    assert judged.hidden == {"basis-empty": 1}  # the other rule it disabled stays off
    assert "basis-empty" not in {f.rule for f in judged.findings}
    [refused] = [f for f in judged.findings if f.rule == "check-settings"]
    assert "由 示例县财政局（czj 1） 锁定" in refused.message

    report = build_report([path], kit=kit)
    (filing,) = report.digests
    assert filing.status == "有错误" and report.kit == "示例县财政局（czj 1）"
    assert [i.overruled for i in filing.items if i.finding.rule == "plan-incomplete"] == [True]


def test_without_a_kit_every_rule_runs_as_pbgen_check_runs_it(write_filing):
    path = write_filing(lambda data: project(data)["spending_plan"].update({"12月底": "90%"}))
    assert judge(load(path)).findings == check(load(path))
