"""Templates run sandboxed and read only inside their folder; their mistakes are messages."""

import io
import shutil
import zipfile

import pytest
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.pipeline import TEMPLATES

from conftest import DATA, hostile, pbgen, squeeze

ESCAPE = "{{ cycler.__init__.__globals__.os.system('touch %s') }}"


def run(*args):
    return CliRunner().invoke(app, list(map(str, args)))


@pytest.fixture
def templates(tmp_path):
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    return copy


def render(templates, tmp_path, *options):
    return run(
        "render", DATA / "leting-2024.yaml", "-o", tmp_path / "out", "--template-dir", templates,
        *options,
    )  # fmt: skip


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_html_template_cannot_reach_the_system(templates, tmp_path):
    marker = tmp_path / "escaped"
    edit(templates / "wenben" / "document.html.j2", "{{ title }}", ESCAPE % marker)
    result = render(templates, tmp_path, "-f", "pdf")
    assert result.exit_code == 2
    assert not marker.exists()
    assert "document.html.j2 第 6 行试图" in result.output and "已拒绝" in result.output
    assert "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_word_template_cannot_reach_the_system(templates, tmp_path):
    marker = tmp_path / "escaped"
    docx = templates / "wenben" / "template.docx"
    source = zipfile.ZipFile(docx)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ part1.title }}", (ESCAPE % marker).encode(), 1)
            target.writestr(item, data)
    docx.write_bytes(buffer.getvalue())
    result = render(templates, tmp_path, "-f", "docx")
    assert result.exit_code == 2
    assert not marker.exists()
    assert "template.docx" in result.output and "已拒绝" in result.output
    assert "Traceback" not in result.output


def test_include_through_a_symlink_out_of_the_folder_is_refused(templates, tmp_path):
    (templates / "wenben" / "evil.txt").symlink_to("/etc/passwd")
    edit(templates / "wenben" / "document.html.j2", "{{ title }}", "{% include 'evil.txt' %}")
    result = render(templates, tmp_path, "-f", "pdf")
    assert result.exit_code == 2
    assert "evil.txt" in result.output and "/etc/passwd" in result.output
    assert "root:" not in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_include_of_a_parent_path_is_refused(templates, tmp_path):
    (tmp_path / "secret.txt").write_text("SECRET")
    edit(
        templates / "wenben" / "document.html.j2", "{{ title }}", "{% include '../../secret.txt' %}"
    )
    result = render(templates, tmp_path, "-f", "pdf")
    assert result.exit_code == 2 and "文件夹以外" in result.output
    assert "SECRET" not in result.output


def test_template_syntax_error_names_file_and_line(templates, tmp_path):
    edit(templates / "wenben" / "document.html.j2", "{{ title }}", "{% if title %}{{ title }}")
    result = render(templates, tmp_path, "-f", "pdf")
    assert result.exit_code == 2
    assert "document.html.j2 第" in result.output and "语法错误" in result.output
    assert "Traceback" not in result.output


def test_word_template_syntax_error_is_a_message(templates, tmp_path):
    docx = templates / "wenben" / "template.docx"
    source = zipfile.ZipFile(docx)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ part1.title }}", b"{{ part1..title }}", 1)
            target.writestr(item, data)
    docx.write_bytes(buffer.getvalue())
    result = render(templates, tmp_path, "-f", "docx")
    assert result.exit_code == 2
    assert "template.docx" in result.output and "语法错误" in result.output
    assert "Traceback" not in result.output


def test_shared_templates_still_load(templates, tmp_path):
    result = render(templates, tmp_path, "-f", "pdf")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("expression", ["{{ 1 / 0 }}", "{{ title + 1 }}", "{{ '%d' % title }}"])
def test_template_runtime_error_names_file_and_line(templates, tmp_path, expression):
    edit(templates / "wenben" / "document.html.j2", "{{ title }}", expression)
    result = render(templates, tmp_path, "-f", "pdf")
    assert result.exit_code == 2
    assert "document.html.j2 第 6 行无法使用" in result.output and "Traceback" not in result.output


DOUBLED = (
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s | length }}"
)
NESTED = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"


@pytest.mark.parametrize(
    ("expression", "said", "seconds"),
    [
        ("{{ 'x' * 1500000000 }}", "第 6 行要重复生成 1,500,000,000 个字符", None),
        ("{{ 2 ** 100000000 }}", "第 6 行乘方 2 ** 100000000 的结果过大", None),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
            "调用自己的层数太多（模板 {html} 第 6 行：",
            None,
        ),
        (DOUBLED, "用尽了 3 GB 的内存上限（模板 {html} 第 6 行）", None),
        (NESTED, "的模板（{folder}）在 10 秒的时限内没有完成", "10"),
    ],
    ids=["repeat", "power", "recursion", "memory", "time"],
)
def test_a_template_that_would_not_end_ends_with_a_message(tmp_path, expression, said, seconds):
    """Each is ended in its worker (pbgen.bounded) or refused by the sandbox, with a message
    that names the template; nothing is written, nothing is a traceback."""
    templates = hostile().templates_with(tmp_path / "templates", expression)
    filing = hostile().clean_filing(tmp_path / "filing.yaml")
    limit = {"PBGEN_TIME_LIMIT": seconds} if seconds else {}
    done = pbgen(
        "render", filing, "-o", tmp_path / "out", "--template-dir", templates, "-f", "pdf",
        cwd=tmp_path, seconds=120, env=limit,
    )  # fmt: skip
    output = done.stdout + done.stderr
    html = templates / "wenben" / "document.html.j2"
    assert done.returncode == 2, output
    assert squeeze(said.format(html=html, folder=templates / "wenben")) in squeeze(output)
    assert "Traceback" not in output and "内部错误" not in output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
