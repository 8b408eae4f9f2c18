"""Rules on goals, placeholders, duplicates and lengths."""

from conftest import findings, project


def test_goals_empty(write_filing):
    found = findings(write_filing(lambda d: project(d).update(goals=None)), "goals-empty")
    assert len(found) == 1 and "委员视察经费" in found[0].message


def test_goals_blank_text_is_empty(write_filing):
    found = findings(write_filing(lambda d: project(d).update(goals=["  "])), "goals-empty")
    assert len(found) == 1


def test_placeholder_goal(write_filing):
    found = findings(write_filing(lambda d: project(d).update(goals=["目标内容1"])), "placeholder")
    assert len(found) == 1 and found[0].severity == "warning"


def test_placeholder_in_indicator_value(write_filing):
    def mutate(data):
        project(data)["indicators"]["产出指标"]["数量指标"][0]["value"] = "XX次"

    assert len(findings(write_filing(mutate), "placeholder")) == 1


def test_goal_mentioning_content_is_not_a_placeholder(write_filing):
    path = write_filing(lambda d: project(d).update(goals=["目标内容是开展视察3次"]))
    assert findings(path, "placeholder") == []


def test_duplicate_project_name_and_code(write_filing):
    def mutate(data):
        project(data, 1).update(name="委员视察经费", code="P001")

    found = findings(write_filing(mutate), "duplicate-project")
    assert sorted(f.message[:4] for f in found) == ["项目名称", "项目编码"]


def test_text_length_limit(write_filing):
    def mutate(data):
        data["check"] = {"max_length": {"三级指标": "6"}}

    found = findings(write_filing(mutate), "text-length")
    assert {f.message for f in found} == {"三级指标有 7 个字，超过了上限 6 字：请精简。"}


def test_text_length_limit_unknown_field(write_filing):
    found = findings(
        write_filing(lambda d: d.update(check={"max_length": {"项目编号": "4"}})),
        "check-settings",
    )
    assert len(found) == 1 and "不能限制「项目编号」" in found[0].message
    assert found[0].severity == "error" and found[0].line > 1


def test_rules_can_be_disabled(write_filing):
    def mutate(data):
        project(data)["goals"] = ["目标内容1"]
        data["check"] = {"disable": ["placeholder"]}

    assert findings(write_filing(mutate)) == []


# -- characters that do not show what they are --------------------------------------------------


def test_bidi_override_is_an_error_at_its_field_and_line(write_filing):
    path = write_filing(lambda d: d["department"].update(name="乐亭\u202e01≤县政协"))
    [found] = findings(path, "invisible-character")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "\u202e" in text)
    assert found.line == line and found.field == "部门的 部门名称"
    assert "U+202E" in found.message and "从右到左覆盖" in found.message
    assert "\u202e" not in found.render() and "<U+202E>" in found.render()


def test_zero_width_space_in_an_indicator_heading_is_found(write_filing):
    def mutate(data):
        tree = project(data)["indicators"]
        tree["产出指标\u200b"] = tree.pop("产出指标")

    [found] = [
        f for f in findings(write_filing(mutate), "invisible-character") if "U+200B" in f.message
    ]
    assert "零宽空格" in found.message


def test_characters_no_font_has_are_a_warning(write_filing):
    # CJK Extension G (Unicode 13): no font of the stacks has it
    path = write_filing(lambda d: project(d).update(name="𰀀𱍊项目"))
    [found] = findings(path, "font-coverage")
    assert found.severity == "warning" and found.field.endswith("项目名称")
    assert "U+30000" in found.message and "U+3134A" in found.message
    assert "Noto Serif CJK SC" in found.message  # names the fonts it looked in


def test_rare_characters_the_fonts_have_are_not_reported(write_filing):
    path = write_filing(lambda d: project(d).update(name="㐀项目镕"))  # Extension A, GBK
    assert findings(path, "font-coverage") == []


def test_to_fill_is_an_error_other_placeholders_warnings(write_filing):
    """「待填」 (what init writes) is not done: an error. 「待定」 may be meant: a warning."""

    def mutate(data):
        project(data)["purpose"] = "待填"
        project(data)["indicators"]["产出指标"]["数量指标"][0]["value"] = "≥待填次"
        project(data, 1)["purpose"] = "待定"

    path = write_filing(mutate)
    unfilled = findings(path, "to-fill")
    assert [f.severity for f in unfilled] == ["error", "error"]
    assert "请把「待填」换成实际内容" in unfilled[0].message
    assert [f.message for f in findings(path, "placeholder")] == [
        "「待定」：这里还没有确定，请填上实际内容。"
    ]


def test_a_project_budget_of_zero_is_an_error(write_filing):
    def mutate(data):
        project(data).update(budget="0.00", fiscal="0.00")
        project(data)["tables"] = {}
        project(data)["indicators"]["产出指标"].pop("成本指标", None)

    found = findings(write_filing(mutate), "to-fill")
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].field == "项目「委员视察经费」的 预算数"
    assert found[0].message.startswith("预算数是 0：")


def test_extension_b_to_f_is_covered_by_the_fonts_at_the_end_of_every_stack(write_filing):
    """𠀀 𪚥 (Extension B), 𪜀 (C), 𫝀 (D), 𫠠 (E), 𬺰 (F) occur in people's and places' names: the
    stacks end in SimSun-ExtB (Windows) and HanaMinA/B (fonts-hanazono, which set-up installs)."""
    path = write_filing(lambda d: project(d).update(name="𠀀𪚥𪜀𫝀𫠠𬺰项目"))
    assert findings(path, "font-coverage") == []
