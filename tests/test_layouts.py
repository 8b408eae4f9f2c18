"""Finding layouts: pbgen's own, --template-dir, and a pbgen.toml next to the filings."""

import shutil

import pytest

from pbgen.errors import PbgenError
from pbgen.layouts import BUILT_IN, builtin_templates, find_layout, find_layouts


def new_layout(folder, id_="hubei"):
    shutil.copytree(builtin_templates() / "wenben", folder / id_)
    manifest = folder / id_ / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: wenben", f"id: {id_}")
    text = text.replace("name: 部门预算绩效文本", "name: 湖北项目表").replace(
        "[绩效文本]", "[湖北]"
    )
    manifest.write_text(text, encoding="utf-8")


def test_builtin_layouts_in_order():
    assert [layout.id for layout in find_layouts()] == ["wenben", "gongkai", "fubiao", "shenbao"]
    assert {layout.origin for layout in find_layouts()} == {BUILT_IN}
    assert find_layout("附表").id == "fubiao" and find_layout("公开表").id == "gongkai"


def test_a_folder_with_a_new_id_is_a_new_layout(tmp_path):
    new_layout(tmp_path / "forms")
    found = find_layout("湖北", template_dir=tmp_path / "forms")
    assert found.id == "hubei" and found.folder == tmp_path / "forms" / "hubei"
    assert found.origin == f"--template-dir {tmp_path / 'forms'}"


def test_pbgen_toml_next_to_the_filings_names_the_folder(tmp_path):
    new_layout(tmp_path / "forms")
    (tmp_path / "pbgen.toml").write_text('template_dir = "forms"\n', encoding="utf-8")
    (tmp_path / "2024").mkdir()
    filing = tmp_path / "2024" / "a.yaml"
    assert find_layout("hubei", filing=filing).origin == str(tmp_path / "pbgen.toml")
    with pytest.raises(PbgenError, match="没有名为「hubei」的版式"):
        find_layout("hubei")


def test_bad_settings_and_folders_are_reported(tmp_path):
    (tmp_path / "pbgen.toml").write_text('template = "forms"\n', encoding="utf-8")
    with pytest.raises(PbgenError, match="不认识的设置 template"):
        find_layouts(filing=tmp_path / "a.yaml")
    (tmp_path / "pbgen.toml").write_text('template_dir = "nowhere"\n', encoding="utf-8")
    with pytest.raises(PbgenError, match="不存在"):
        find_layouts(filing=tmp_path / "a.yaml")
    (tmp_path / "forms" / "x").mkdir(parents=True)
    (tmp_path / "forms" / "x" / "document.html.j2").write_text("", encoding="utf-8")
    with pytest.raises(PbgenError, match=r"没有 manifest\.yaml"):
        find_layouts(tmp_path / "forms")


def test_a_user_folder_with_our_id_restyles_ours(tmp_path):
    shutil.copytree(builtin_templates(), tmp_path / "templates")
    found = find_layout("wenben", template_dir=tmp_path / "templates")
    assert found.folder == tmp_path / "templates" / "wenben"
