"""pbgen watch, driven as a clerk uses it: a real browser (headless Chromium) on the preview page,
the filing edited on disk, the page changing by itself."""

from __future__ import annotations

import http.client
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from pbgen.watch import LIVE_MAX_BYTES, Preview, serve, url

from conftest import PBGEN, clean_data, dump, headless_chromium, hostile, project

NEVER_ENDS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"


@pytest.fixture
def filing(tmp_path: Path) -> Path:
    path = tmp_path / "示例-2024.yaml"
    path.write_text(dump(clean_data()), encoding="utf-8")
    return path


@pytest.fixture
def running(filing: Path):
    """A preview of ``filing`` as ``pbgen watch`` runs it: first render, server, watcher."""
    preview = Preview(filing)
    preview.refresh()
    server = serve(preview)
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    yield preview, url(server)
    preview.stop()
    server.shutdown()
    watcher.join(5)


@pytest.fixture
def browser():
    driver = headless_chromium()
    yield driver
    driver.quit()


def page_version(driver) -> int:
    return int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-version"))


def wait_for_version(driver, version: int) -> None:
    WebDriverWait(driver, 120, poll_frequency=0.05).until(lambda d: page_version(d) >= version)


def pdf_text(address: str) -> str:
    with urllib.request.urlopen(address + "document.pdf") as response:
        pdf = response.read()
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_page_follows_every_save(running, filing: Path, browser) -> None:
    _, address = running
    browser.get(address)
    wait_for_version(browser, 1)
    assert browser.find_element(By.ID, "clean").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#findings li") == []
    assert "v=1" in browser.find_element(By.ID, "pdf").get_attribute("src")
    assert "委员视察经费" in pdf_text(address)

    # a save that renames a project and breaks its spending plan
    data = clean_data()
    project(data)["name"] = "委员专题视察经费"
    project(data)["spending_plan"]["12月底"] = "90%"
    filing.write_text(dump(data), encoding="utf-8")
    wait_for_version(browser, 2)
    findings = browser.find_element(By.ID, "findings").text
    assert "plan-incomplete" in findings
    assert "委员专题视察经费" in findings
    assert not browser.find_element(By.ID, "clean").is_displayed()
    assert "v=2" in browser.find_element(By.ID, "pdf").get_attribute("src")
    assert "1 个错误" in browser.find_element(By.ID, "status").text
    assert "委员专题视察经费" in pdf_text(address)

    # a save that breaks the YAML: the reason is shown, the last PDF stays
    filing.write_text("year: 2024\nunits: [\n", encoding="utf-8")
    wait_for_version(browser, 3)
    assert "上一次生成的版本" in browser.find_element(By.ID, "error").text
    assert browser.find_elements(By.CSS_SELECTOR, "#findings li.error")
    assert "委员专题视察经费" in pdf_text(address)


def test_text_from_the_filing_is_shown_as_text(running, filing: Path, browser) -> None:
    """A project named like markup prints literally in the findings, never as HTML."""
    data = clean_data()
    project(data)["name"] = "<img src=x onerror=alert(1)>"
    project(data)["goals"] = []
    filing.write_text(dump(data), encoding="utf-8")
    preview, address = running
    preview.wait_for_newer(1, 120)
    browser.get(address)
    wait_for_version(browser, 2)
    assert "<img src=x onerror=alert(1)>" in browser.find_element(By.ID, "findings").text
    assert browser.find_elements(By.CSS_SELECTOR, "#findings img") == []


def test_only_localhost_names_are_answered(running) -> None:
    """A page elsewhere cannot reach the preview through a DNS name pointing at 127.0.0.1."""
    _, address = running
    port = int(address.rsplit(":", 1)[1].strip("/"))
    for host, status in ((f"127.0.0.1:{port}", 200), (f"evil.example:{port}", 403)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/state", headers={"Host": host})
        assert connection.getresponse().status == status
        connection.close()


def test_an_unreadable_filing_has_findings_and_no_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("year: [\n", encoding="utf-8")
    snapshot = Preview(path).refresh()
    assert snapshot.pdf is None
    assert snapshot.findings and snapshot.findings[0]["severity"] == "error"
    assert "无法读取" in snapshot.error


def test_a_busy_port_is_a_message(running) -> None:
    from pbgen.errors import PbgenError

    preview, address = running
    port = int(address.rsplit(":", 1)[1].strip("/"))
    with pytest.raises(PbgenError, match="--port"):
        serve(preview, port)


def test_the_command_serves_until_ctrl_c(filing: Path) -> None:
    """`pbgen watch FILE --no-browser`: the address on the first line, the page answers, a line
    per version, Ctrl-C ends it cleanly."""
    import json
    import os
    import signal
    import sys

    pbgen = Path(sys.executable).with_name("pbgen")
    process = subprocess.Popen(
        [pbgen, "watch", filing, "--no-browser"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        address = process.stderr.readline().split("预览：", 1)[1].split()[0]
        assert "第 1 版：" in process.stderr.readline()
        with urllib.request.urlopen(address + "state") as response:
            state = json.load(response)
        assert state["version"] == 1 and state["findings"] == [] and state["has_pdf"]
    finally:
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=120)[1]
    assert process.returncode == 0, rest
    assert "已结束预览" in rest
    assert "Traceback" not in rest


def test_without_a_pdf_viewer_the_page_draws_the_pages_with_pdfjs(running, browser, tmp_path):
    """VS Code's webview shows no PDF: with ?pdfjs (the extension asks for it) the page draws
    every page with the pdf.js pbgen ships in its VS Code extension."""
    preview, address = running
    browser.set_window_size(1200, 900)
    browser.get(address + "?pdfjs")
    wait_for_version(browser, 1)
    WebDriverWait(browser, 120, poll_frequency=0.1).until(
        lambda d: d.find_element(By.ID, "pages").get_attribute("data-pages")
    )
    pages = browser.find_elements(By.CSS_SELECTOR, "#pages canvas")
    assert len(pages) == preview.snapshot.pages > 1
    assert browser.find_element(By.ID, "pdf").get_attribute("hidden") is not None
    painted = browser.execute_script(
        "const c = arguments[0]; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark += 1; return dark;",
        pages[0],
    )
    assert painted > 1000  # text drawn, not a blank canvas
    browser.save_screenshot(str(tmp_path / "pdfjs.png"))


def test_a_filing_past_the_live_limit_is_checked_not_rendered(tmp_path: Path) -> None:
    """Past LIVE_MAX_BYTES (1 MB), the preview checks and says why there is no new PDF."""
    path = hostile().long_filing(tmp_path / "long.yaml", 1.2)
    assert path.stat().st_size > LIVE_MAX_BYTES
    snapshot = Preview(path).refresh()
    assert snapshot.pdf is None and snapshot.findings == []
    assert "超过了预览实时生成的上限 1 MB：只检查，不生成 PDF" in snapshot.error


def test_a_save_stops_the_render_of_the_one_before(filing: Path, tmp_path: Path) -> None:
    """A template that never ends is being rendered; the author fixes it: the preview stops the
    old render at once and shows the fixed one (the render runs in the bounded worker)."""
    templates = hostile().templates_with(tmp_path / "templates", NEVER_ENDS)
    preview = Preview(filing, template_dir=templates)
    refreshed = []
    worker = threading.Thread(target=lambda: refreshed.append(preview.refresh()), daemon=True)
    worker.start()
    time.sleep(3)
    html = templates / "wenben" / "document.html.j2"
    html.write_text(html.read_text("utf-8").replace(NEVER_ENDS, "{{ title }}"), "utf-8")
    worker.join(120)
    assert refreshed, "the refresh did not end"
    assert refreshed[0].version == 1 and refreshed[0].error == "" and refreshed[0].pdf
    preview.stop()


def test_half_open_connections_do_not_take_the_preview_down(filing: Path) -> None:
    """1,100 connections that never finish their request, against a process allowed 1,024 open
    files: past 64 at once they are closed as they come, each is let go after 10 s; the page
    answers again, and no traceback is printed."""
    import resource

    def few_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    process = subprocess.Popen(
        [PBGEN, "watch", filing, "--no-browser"], stderr=subprocess.PIPE, text=True,
        preexec_fn=few_files,
    )  # fmt: skip
    try:
        address = process.stderr.readline().split("预览：", 1)[1].split()[0]
        assert "第 1 版：" in process.stderr.readline()
        port = int(address.rsplit(":", 1)[1].strip("/"))
        sockets, _ = hostile().half_open(port, 1100)
        answered = False
        deadline = time.monotonic() + 60
        while not answered and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(address + "state", timeout=5) as response:
                    answered = response.status == 200
            except OSError:
                time.sleep(1)
        for client in sockets:
            client.close()
        assert answered and process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=120)[1]
    assert process.returncode == 0, rest
    assert "Traceback" not in rest and "Too many open files" not in rest
