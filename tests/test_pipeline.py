"""The library API: finding filings (by content, outside dot-folders, honouring .gitignore), where outputs go, when they are up to date, and a batch
under signals."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pbgen import __version__, bounded
from pbgen.cli import app
from pbgen.errors import PbgenError
from pbgen.kitstore import update, use
from pbgen.pipeline import find_filings, is_filing, render_file

from conftest import CLEAN, DATA, ROOT, hostile, pbgen, running, squeeze, write_kit

FILING = "year: 2024\nunits: []\n"


def test_folders_are_searched_and_sorted(tmp_path):
    (tmp_path / "b.yaml").write_text(FILING)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(FILING)
    (tmp_path / "notes.txt").write_text(FILING)
    assert find_filings([tmp_path]) == [tmp_path / "b.yaml", tmp_path / "sub" / "a.yml"]


def test_named_files_are_kept_even_when_missing(tmp_path):
    assert find_filings([tmp_path / "missing.yaml"]) == [tmp_path / "missing.yaml"]


def test_named_file_is_taken_whatever_it_holds(tmp_path):
    other = tmp_path / "ci.yml"
    other.write_text("jobs: {}\n")
    assert find_filings([other]) == [other]


def test_folder_without_filings(tmp_path):
    with pytest.raises(PbgenError, match="没有绩效文本"):
        find_filings([tmp_path])


def test_a_filing_is_told_by_its_content(tmp_path):
    modeline = tmp_path / "modeline.yaml"
    modeline.write_text("# yaml-language-server: $schema=../schema/filing.schema.json\n")
    versioned = tmp_path / "versioned.yaml"
    versioned.write_text("pbgen: 3\n")
    keys = tmp_path / "keys.yaml"
    keys.write_text("money_unit: 万元\ndepartment:\n  name: x\n")
    workflow = tmp_path / "workflow.yml"
    workflow.write_text("name: CI\non: [push]\njobs:\n  check:\n    runs-on: x\n")
    config = tmp_path / "config.yaml"
    config.write_text("repos:\n  - repo: local\n    hooks: []\nyear: 2024\n")
    assert [is_filing(p) for p in (modeline, versioned, keys, workflow, config)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert all(is_filing(path) for path in [*DATA.glob("*.yaml"), CLEAN])


def test_dot_folders_and_configs_are_skipped(tmp_path):
    """A department repository: CI and pre-commit configuration are YAML, not filings."""
    shutil.copy(CLEAN, tmp_path / "filing.yaml")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("jobs: {}\nname: x\n")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(CLEAN, tmp_path / ".hidden" / "copy.yaml")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    (tmp_path / ".gitlab-ci.yml").write_text("stages: [check]\n")
    assert find_filings([tmp_path]) == [tmp_path / "filing.yaml"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_gitignored_files_are_skipped(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("drafts/\nold-*.yaml\n")
    for name in ("filing.yaml", "old-2023.yaml", "drafts/x.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(CLEAN, tmp_path / name)
    assert find_filings([tmp_path]) == [tmp_path / "filing.yaml"]


def test_layout_by_chinese_name_and_unknown_layout_with_its_line(write_filing):
    from pbgen.load import load
    from pbgen.pipeline import check_file, choose_layout

    named = write_filing(lambda data: data.update(layout="公开表"), name="named.yaml")
    assert choose_layout(load(named)).id == "gongkai"
    unknown = write_filing(lambda data: data.update(layout="报告"), name="unknown.yaml")
    with pytest.raises(PbgenError) as raised:
        choose_layout(load(unknown))
    line = unknown.read_text(encoding="utf-8").splitlines().index("layout: 报告") + 1
    assert str(raised.value).startswith(f"{unknown}:{line}:1：没有名为「报告」的版式")
    assert "gongkai（项目支出绩效目标公开表）" in str(raised.value)
    [finding] = [f for f in check_file(unknown).findings if f.rule == "layout"]
    assert (finding.line, finding.field) == (line, "版式") and "wenben" in finding.message


# -- outputs keyed by the filing's path and by what makes them ---------------------------------


def run(*args):
    return CliRunner().invoke(app, list(map(str, args)))


def two_departments(tmp_path):
    """教育局/2025.yaml and 财政局/2025.yaml: the same file name in two folders."""
    for department, seed in (("教育局", "leting-2024"), ("财政局", "zunhua-2024")):
        (tmp_path / "in" / department).mkdir(parents=True)
        shutil.copy(DATA / f"{seed}.yaml", tmp_path / "in" / department / "2025.yaml")
    return tmp_path / "in"


def test_same_file_name_in_two_folders_mirrors_the_folders(tmp_path):
    folder = two_departments(tmp_path)
    result = run("render", folder, "-o", tmp_path / "out", "-f", "pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    first = subprocess.run(
        ["pdftotext", tmp_path / "out/教育局/2025.pdf", "-"], capture_output=True
    )
    second = subprocess.run(
        ["pdftotext", tmp_path / "out/财政局/2025.pdf", "-"], capture_output=True
    )
    assert "乐亭" in first.stdout.decode() and "遵化" in second.stdout.decode()


def test_same_file_name_named_twice_is_refused_not_overwritten(tmp_path):
    folder = two_departments(tmp_path)
    result = run(
        "render", folder / "教育局/2025.yaml", folder / "财政局/2025.yaml", DATA / "leting-2024.yaml",
        "-o", tmp_path / "out", "-f", "pdf", "-j", "1",
    )  # fmt: skip
    assert result.exit_code == 2
    assert not (tmp_path / "out" / "2025.pdf").exists()
    assert (tmp_path / "out" / "leting-2024.pdf").exists()  # the batch goes on
    assert result.output.count("会写到同一组输出") == 2 and "-o" in result.output


def test_outputs_of_another_layout_are_not_up_to_date(tmp_path):
    filing = tmp_path / "leting.yaml"
    shutil.copy(DATA / "leting-2024.yaml", filing)
    out = tmp_path / "out"
    assert run("render", filing, "-o", out, "-f", "pdf").exit_code == 0
    wenben = (out / "leting.pdf").read_bytes()
    result = run("render", filing, "-o", out, "-f", "pdf", "--layout", "gongkai")
    assert "已生成 pdf" in result.output and (out / "leting.pdf").read_bytes() != wenben


def test_changed_templates_date_or_output_are_not_up_to_date(tmp_path, monkeypatch):
    filing = tmp_path / "leting.yaml"
    shutil.copy(DATA / "leting-2024.yaml", filing)
    templates = tmp_path / "templates"
    shutil.copytree(DATA.parent / "templates", templates)
    out = tmp_path / "out"

    def fresh():
        result = render_file(filing, out, ["pdf"], template_dir=templates, force=False)
        return not result.skipped

    assert fresh() and not fresh()
    css = templates / "wenben" / "style.css"
    os.utime(css, (1, 1))  # an older file: times alone would call the outputs up to date
    css.write_text(css.read_text() + "\n/* edited */\n")
    os.utime(css, (1, 1))
    assert fresh() and not fresh()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert fresh() and not fresh()
    (out / "leting.pdf").write_bytes(b"damaged")
    assert fresh() and not fresh()


def test_a_new_kit_version_is_not_up_to_date(tmp_path):
    kit = write_kit(tmp_path / "kit", "id: czj\nname: 示例县财政局\nversion: 1\n")
    department = tmp_path / "部门"
    department.mkdir()
    filing = department / "leting.yaml"
    shutil.copy(DATA / "leting-2024.yaml", filing)
    use(str(kit), None, department)
    out = tmp_path / "out"

    def fresh():
        return not render_file(filing, out, ["pdf"], force=False).skipped

    assert fresh() and not fresh()
    stamp = json.loads((out / ".pbgen" / "leting.json").read_text(encoding="utf-8"))
    assert stamp["kit"] == {"pbgen": __version__, "czj": "1"}
    write_kit(kit, "id: czj\nname: 示例县财政局\nversion: 2\n")
    update(department)
    assert fresh() and not fresh()


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (needs root: a real full disk, not a simulated one)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount], check=True)
    yield mount
    subprocess.run(["umount", mount], check=True)


def fill(disk, leave: int) -> None:
    """Fill ``disk`` until only ``leave`` bytes are free."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


def test_full_disk_mid_rerender_keeps_the_old_set(small_disk, tmp_path):
    filing = tmp_path / "leting.yaml"
    shutil.copy(DATA / "leting-2024.yaml", filing)
    out = small_disk / "out"
    assert run("render", filing, "-o", out).exit_code == 0
    old = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    filing.write_text(
        filing.read_text(encoding="utf-8").replace("乐亭", "乐亭县"), encoding="utf-8"
    )
    fill(small_disk, leave=len(old["leting.docx"]) + 8192)  # room for the DOCX, not the PDF

    result = run("render", filing, "-o", out)
    assert result.exit_code == 2
    assert "磁盘已满" in result.output and "leting.pdf" in result.output
    assert "Traceback" not in result.output
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == old
    assert sorted(path.name for path in out.iterdir()) == [".pbgen", "leting.docx", "leting.pdf"]
    assert [path.name for path in (out / ".pbgen").iterdir()] == ["leting.json"]


# -- signals on a real batch -----------------------------------------------------------------------


def start_batch(tmp_path, count=12, jobs=2):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(count):
        shutil.copy(DATA / "leting-2024.yaml", folder / f"f{n:02}.yaml")
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "pbgen",
        "render",
        folder,
        "-o",
        out,
        "-j",
        str(jobs),
        "-f",
        "pdf",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    while not list(out.glob("*.pdf")):  # the batch is under way
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    return process, out, worker_pids(process.pid)


def worker_pids(pid: int) -> list[int]:
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        children += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    return children


def wait_gone(pids, patience=20.0) -> list[int]:
    deadline = time.monotonic() + patience  # a guard against hanging, not a speed test
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if running(pid)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_a_batch_and_says_what_was_written(tmp_path, signum):
    process, out, workers = start_batch(tmp_path)
    assert workers
    os.killpg(process.pid, signum)  # as Ctrl-C does: the whole process group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    written = sorted(path.stem for path in out.glob("*.pdf"))
    assert "已中断" in stderr and "份已处理完" in stderr and "Traceback" not in stderr
    assert len(written) < 12 and "未生成" in stderr
    unwritten = stderr[stderr.index("未生成") :]
    assert not [name for name in written if f"{name}.yaml" in unwritten]
    assert not [path for path in out.rglob("*") if path.name.endswith((".tmp", ".old"))]
    assert wait_gone(workers) == []


def test_killing_the_main_process_ends_the_workers(tmp_path):
    process, _, workers = start_batch(tmp_path)
    process.kill()
    process.communicate(timeout=60)
    assert wait_gone(workers) == []


def test_a_fault_of_pbgen_fails_one_filing_not_the_batch(tmp_path):
    from pbgen.pipeline import RenderFailure, render_many

    outcomes = list(render_many([DATA / "leting-2024.yaml"], 1, output_dir=None))
    [failure] = outcomes  # Path(None): a TypeError inside pbgen, not a user's mistake
    assert isinstance(failure, RenderFailure)
    assert "pbgen 内部错误" in failure.message and "TypeError" in failure.message


def test_ctrl_c_stops_a_batch_rendered_in_one_process(tmp_path):
    process, out, _ = start_batch(tmp_path, jobs=1)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "已中断（Ctrl-C）" in stderr and "Traceback" not in stderr
    assert len(list(out.glob("*.pdf"))) < 12
    assert not [path for path in out.rglob("*") if path.name.endswith((".tmp", ".old"))]


def test_a_filing_with_errors_renders_as_a_draft_on_every_page(tmp_path):
    """Seed 001 keeps its real mistakes: 「草稿」 stands in the top margin of every page of the
    PDF (above the 版心, which begins 37 mm down) and in every section's header of the DOCX;
    the clean filing carries no mark."""
    import docx
    import pymupdf

    from pbgen.check import check
    from pbgen.load import load

    seed = DATA / "shanhaiguan-2020.yaml"
    assert any(f.severity == "error" for f in check(load(seed)))
    result = render_file(seed, tmp_path, ["docx", "pdf"])
    assert result.check_errors > 0
    top_of_body = 37 / 25.4 * 72
    with pymupdf.open(tmp_path / "shanhaiguan-2020.pdf") as pdf:
        assert pdf.page_count > 10
        for page in pdf:
            marks = page.search_for("草稿")
            assert marks, page.number
            assert all(mark.y1 < top_of_body - 10 for mark in marks)  # clear of the body text
            body = [b for b in page.get_text("blocks") if "草稿" not in b[4]]
            assert all(block[1] >= top_of_body - 1 for block in body)
    headers = [
        s.header.paragraphs[0].text
        for s in docx.Document(tmp_path / "shanhaiguan-2020.docx").sections
    ]
    assert headers == ["草稿"] * len(headers) and len(headers) == 3  # cover, 目录, body
    render_file(CLEAN, tmp_path, ["docx", "pdf"])
    with pymupdf.open(tmp_path / "clean.pdf") as pdf:
        assert not any(page.search_for("草稿") for page in pdf)
    assert all(
        not s.header.paragraphs[0].text for s in docx.Document(tmp_path / "clean.docx").sections
    )


def test_render_final_refuses_a_filing_with_errors(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "render",
            str(DATA / "zunhua-2024.yaml"),
            str(CLEAN),
            "-o",
            str(out),
            "--final",
            "-f",
            "pdf",
        ],
    )
    assert result.exit_code == 2
    assert "--final 不生成定稿" in result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == ["clean.pdf"]  # the clean one is made


def test_a_filing_too_long_to_render_is_refused_before_it_is_read(tmp_path):
    """Past RENDER_MAX_BYTES (10 MB): a message naming the limit at once, instead of an hour
    of work and gigabytes (a 20 MB filing was killed at 600 s and 2.9 GB, nothing written)."""
    filing = hostile().long_filing(tmp_path / "long.yaml", 11)
    done = pbgen("render", filing, "-o", tmp_path / "out", cwd=tmp_path, seconds=60)
    output = squeeze(done.stdout + done.stderr)
    assert done.returncode == 2
    assert squeeze("超过了生成的上限 10 MB") in output and "pbgencheck" in output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_folder_holding_symlink_loops_reports_them(tmp_path):
    """Each .yaml that links to itself is reported as unreadable, the folder's filing is
    checked, and nothing ends in a traceback."""
    folder = hostile().symlink_loops(tmp_path / "filings")
    done = pbgen("check", folder, cwd=tmp_path, seconds=120)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    for name in ("self.yaml", "a.yaml", "b.yaml"):
        assert f"filings/{name}:0:0: 错误 [file] 无法读取" in output
    assert "filings/filing.yaml" in output and "Traceback" not in output


def test_a_filing_rendered_alone_has_its_docx_made_beside_its_pdf_the_same(tmp_path):
    """Alone, a filing's DOCX (which waits on LibreOffice) renders in a second worker while
    the PDF renders in the first: the same bytes and notices as both in one worker."""
    bounded._second.close()
    together = render_file(DATA / "zunhua-2024.yaml", tmp_path / "together", ["docx", "pdf"])
    assert bounded._second._process is None  # not asked to: never started
    alone = render_file(DATA / "zunhua-2024.yaml", tmp_path / "alone", ["docx", "pdf"], alone=True)
    assert bounded._second._process is not None and bounded._second._process.is_alive()
    assert [path.read_bytes() for path in alone.outputs] == [
        path.read_bytes() for path in together.outputs
    ]
    assert (alone.pages, alone.notices) == (together.pages, together.notices)
