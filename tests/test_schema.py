"""The JSON Schema: committed, up to date, Chinese, and valid for every filing."""

import json

import jsonschema
import pytest
import yaml

from pbgen.schema import filing_schema, schema_text

from conftest import CLEAN, DATA, ROOT

SCHEMA_FILE = ROOT / "schema" / "filing.schema.json"


def test_committed_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "schema/filing.schema.json is stale: run `make schema`"
    )


def test_every_field_has_a_chinese_title():
    def titles(node, path=""):
        for key, value in node.get("properties", {}).items():
            yield f"{path}.{key}", value.get("title", "")
        for name, definition in node.get("$defs", {}).items():
            yield from titles(definition, name)

    missing = [
        (path, title)
        for path, title in titles(filing_schema())
        if not any("\u4e00" <= ch <= "\u9fff" for ch in title)
    ]
    assert missing == []


@pytest.mark.parametrize("path", [*sorted(DATA.glob("*.yaml")), CLEAN], ids=lambda p: p.stem)
def test_schema_validates_filing(path):
    """As an editor reads YAML (numbers and booleans typed), the schema accepts the filing."""
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))
    errors = [
        f"{list(e.path)}: {e.message[:80]}"
        for e in validator.iter_errors(yaml.safe_load(path.read_text("utf-8")))
    ]
    assert errors == []


def test_schema_rejects_unknown_keys_and_bad_money():
    validator = jsonschema.Draft202012Validator(filing_schema())
    filing = yaml.safe_load(CLEAN.read_text("utf-8"))
    filing["units"][0]["projects"][0]["budgt"] = 5
    filing["units"][0]["projects"][1]["budget"] = "五万"
    messages = [leaf.message for error in validator.iter_errors(filing) for leaf in leaves(error)]
    assert any("'budgt' was unexpected" in m for m in messages)
    assert any("'五万' does not match" in m for m in messages)


def leaves(error):
    """The innermost errors under anyOf/oneOf branches."""
    if not error.context:
        yield error
    for inner in error.context:
        yield from leaves(inner)


def test_no_null_wrappers_and_amounts_not_negative():
    """Optional fields accept an empty key through ``type``, not an ``anyOf [..., null]`` whose
    errors other validators print as whole arrays; amounts have a minimum, the year may be
    quoted."""
    text = schema_text()
    assert '{"type": "null"}' not in text.replace("\n", "").replace("  ", "")
    validator = jsonschema.Draft202012Validator(filing_schema())
    filing = yaml.safe_load(CLEAN.read_text("utf-8"))
    filing["year"] = "2024"
    filing["units"][0]["projects"][0]["purpose"] = None
    assert list(validator.iter_errors(filing)) == []
    filing["units"][0]["projects"][0]["budget"] = -5
    messages = [error.message for error in validator.iter_errors(filing)]
    assert messages == ["-5 is less than the minimum of 0"]


def test_every_field_is_explained_in_chinese():
    """Completion shows a key with its description: every field of the model has one, in
    Chinese, beyond its title."""

    def fields(node, path=""):
        for key, value in node.get("properties", {}).items():
            yield f"{path}.{key}", value.get("markdownDescription", "")
            yield from fields(value, f"{path}.{key}")
        for name, definition in node.get("$defs", {}).items():
            yield from fields(definition, name)

    unexplained = [
        path
        for path, text in fields(filing_schema())
        if "　" not in text or not any("\u4e00" <= ch <= "\u9fff" for ch in text.split("　", 1)[1])
    ]
    assert unexplained == []
