"""pbgen as a user installs it: the wheel carries its templates, frameworks and code, and the
installed pbgen renders every layout from any folder."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

from pbgen.resources import templates_dir

from conftest import DATA, ROOT


def test_a_checkout_uses_its_top_level_templates():
    assert templates_dir() == ROOT / "templates"


def test_the_wheel_carries_every_module_template_and_framework(installed):
    shipped = set(zipfile.ZipFile(installed.wheel).namelist())
    wanted = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "pbgen").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    wanted |= {
        "pbgen/templates/" + str(path.relative_to(ROOT / "templates"))
        for path in (ROOT / "templates").rglob("*")
        if path.is_file()
    }
    assert wanted - shipped == set()


def test_the_installed_pbgen_renders_every_layout_from_any_folder(installed, tmp_path):
    filings, elsewhere = tmp_path / "filings", tmp_path / "elsewhere"
    shutil.copytree(DATA, filings)
    elsewhere.mkdir()
    done = installed.run("render", filings, "-o", "out", cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    for filing in DATA.glob("*.yaml"):
        public_table = "layout: gongkai" in filing.read_text(encoding="utf-8")
        for ext in ("docx", "pdf", "xlsx") if public_table else ("docx", "pdf"):
            output = elsewhere / "out" / f"{filing.stem}.{ext}"
            assert output.stat().st_size > 1000, output
    assert (elsewhere / "out" / "leting-2024.pdf").read_bytes().startswith(b"%PDF")


def test_the_installed_pbgen_reads_its_own_templates_not_the_checkout(installed, tmp_path):
    python = installed.venv / "bin" / "python"
    where = subprocess.run(
        [python, "-c", "from pbgen.resources import templates_dir; print(templates_dir())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(installed.venv)) and where.endswith("pbgen/templates")


def test_the_installed_doctor_runs_clean(installed, tmp_path):
    done = installed.run("doctor", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_installed_pbgen_writes_the_schema_the_repository_keeps(installed, tmp_path):
    done = installed.run("schema", cwd=tmp_path)
    assert done.stdout == (ROOT / "schema" / "filing.schema.json").read_text(encoding="utf-8")


# -- without the PDF engine (Windows and macOS as installed: no Pango) -----------------------------


def test_without_the_pdf_engine_docx_and_xlsx_still_render(installed, tmp_path):
    filings = tmp_path / "filings"
    shutil.copytree(DATA, filings)
    done = installed.run("render", filings, "-o", "out", cwd=tmp_path, pdf_engine=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "安装方法" in done.stderr
    for filing in DATA.glob("*.yaml"):
        assert (tmp_path / "out" / f"{filing.stem}.docx").stat().st_size > 1000
        assert not (tmp_path / "out" / f"{filing.stem}.pdf").exists()
    assert (tmp_path / "out" / "menyuan-2024.xlsx").stat().st_size > 1000


def test_without_the_pdf_engine_asking_for_pdf_says_what_to_install(installed, tmp_path):
    filing = DATA / "leting-2024.yaml"
    done = installed.run("render", filing, "-f", "pdf", "-o", "out", cwd=tmp_path, pdf_engine=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "不能生成 PDF" in done.stderr and "Pango" in done.stderr and "安装方法" in done.stderr
    assert not (tmp_path / "out").exists()


def test_without_the_pdf_engine_doctor_names_the_fix(installed, tmp_path):
    done = installed.run("doctor", cwd=tmp_path, pdf_engine=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    engine = next(line for line in done.stdout.splitlines() if "PDF 引擎" in line)
    assert engine.startswith("✗") and "Pango" in engine
    assert "修复：sudo apt-get install libpango" in done.stdout  # this system's steps


def test_format_docx_never_loads_the_pdf_engine(installed, tmp_path):
    done = installed.run(
        "render", DATA / "menyuan-2024.yaml", "-f", "docx,xlsx", "-o", "out", cwd=tmp_path,
        pdf_engine=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "PDF" not in done.stderr  # nothing tried to load it, so nothing to report
    assert {path.suffix for path in (tmp_path / "out").iterdir()} >= {".docx", ".xlsx"}
