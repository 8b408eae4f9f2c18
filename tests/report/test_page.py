"""The report page as a bureau's reviewer opens it: from its file:// path (a USB stick) in
headless Chromium, every request the page attempts recorded, the totals set against totals
added up here from the filings' YAML."""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from typer.testing import CliRunner

from pbgen.check import check
from pbgen.cli import app
from pbgen.findings import visible
from pbgen.load import load
from pbgen.report.text import LABEL, LIMIT, LISTED

from .filings import department, write, yaml_totals
from conftest import DATA, headless_chromium, hostile, pbgen

HOSTILE = "<img src=x onerror=alert(1)>局"


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path, Path]:
    """data/ (the seeds), and generated filings: another department in 万元, one in 元 sharing
    a project code with it, its last year's, a department named like markup, and a file that
    cannot be read. Then ``pbgen report`` on both folders."""
    root = tmp_path_factory.mktemp("report")
    seeds = root / "data"
    shutil.copytree(DATA, seeds)
    generated = root / "生成"
    write(generated, "甲局-2024", department("甲局", "601001", codes=("D1", "D2")))
    write(generated, "甲局-2023", department("甲局", "601001", year=2023, budgets=("9.50", "5.00")))
    write(
        generated,
        "乙局-2024",
        department(
            "乙局", "602001", codes=("D1", "E2"), budgets=("123456.78", "1000.50"), money_unit="元"
        ),
    )
    write(generated, "标记局-2024", department(HOSTILE, "603001", codes=("F1", "F2")))
    (generated / "丙局-2024.yaml").write_text("year: 2024\nunits: [\n", encoding="utf-8")
    output = root / "报告"
    result = CliRunner().invoke(app, ["report", str(seeds), str(generated), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return seeds, generated, output / "审核报告.html"


@pytest.fixture(scope="module")
def opened(folders):
    """The page open in Chromium, with what it asked for and what its console said."""
    page = folders[2]
    driver = headless_chromium(**{"goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"}})
    driver.set_window_size(1400, 2000)
    driver.get(page.as_uri())
    yield driver, page
    driver.quit()


def _requests(driver) -> list[str]:
    messages = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    return [
        unquote(message["params"]["request"]["url"])
        for message in messages
        if message["method"] == "Network.requestWillBeSent"
    ]


def test_the_page_asks_for_nothing_but_itself_and_logs_no_error(opened, tmp_path):
    driver, page = opened
    assert set(_requests(driver)) == {unquote(page.as_uri())}
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    driver.save_screenshot(str(tmp_path / "report.png"))  # to look at: pytest --basetemp


def test_every_filing_is_listed_with_its_totals_in_one_unit(opened, folders):
    driver, _ = opened
    seeds, generated, _ = folders
    files = sorted([*seeds.glob("*.yaml"), *generated.glob("*.yaml")])
    rows = driver.find_elements(By.CSS_SELECTOR, "#filings tbody tr")
    assert sorted(Path(row.get_attribute("data-file")) for row in rows) == files
    by_year: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        file = Path(row.get_attribute("data-file"))
        cells = row.find_elements(By.TAG_NAME, "td")
        if row.get_attribute("data-status") == "无法读取":
            assert file.name == "丙局-2024.yaml" and cells[7].text == ""
            continue
        expected = yaml_totals(file)
        shown = {name: _number(cells[7 + n].text) for n, name in enumerate(expected)}
        assert shown == expected, file
        year = by_year.setdefault(row.get_attribute("data-year"), dict.fromkeys(expected, 0))
        for name, value in expected.items():
            year[name] += value
    assert "123,456.78" not in driver.page_source  # 乙局's 元, shown in 万元
    assert _number(_row(rows, "乙局-2024").find_elements(By.TAG_NAME, "td")[7].text) == Decimal(
        "12.445728"
    )
    for year, expected in by_year.items():
        total = driver.find_element(By.CSS_SELECTOR, f'tr[data-year-total="{year}"]')
        cells = total.find_elements(By.TAG_NAME, "td")
        assert [_number(cell.text) for cell in cells[:3]] == list(expected.values())
    assert "万元" in driver.find_element(By.CSS_SELECTOR, "#filings thead").text


def test_filtering_and_sorting_the_table(opened, folders):
    driver, _ = opened
    box = driver.find_element(By.ID, "filter-text")
    box.send_keys("乙局")
    visible = [
        r for r in driver.find_elements(By.CSS_SELECTOR, "#filings tbody tr") if r.is_displayed()
    ]
    assert [Path(r.get_attribute("data-file")).stem for r in visible] == ["乙局-2024"]
    assert _number(driver.find_element(By.ID, "filtered-budget").text) == Decimal("12.445728")
    box.clear()
    box.send_keys(" ")  # clear() fires no input event
    driver.find_element(By.XPATH, "//th[starts-with(., '预算数')]").click()
    budgets = [
        Decimal(row.get_attribute("data-budget"))
        for row in driver.find_elements(By.CSS_SELECTOR, "#filings tbody tr")
    ]
    assert budgets == sorted(budgets)


def test_a_finding_links_to_its_file_and_line(opened, folders):
    driver, page = opened
    seeds = folders[0]
    zunhua = seeds / "zunhua-2024.yaml"
    (expected,) = [f for f in check(load(zunhua)) if f.rule == "plan-incomplete"]
    item = driver.find_element(
        By.CSS_SELECTOR, f'#f-{_index(driver, zunhua)} li.finding[data-rule="plan-incomplete"]'
    )
    link = item.find_element(By.CSS_SELECTOR, "a.place")
    assert unquote(link.get_attribute("href")) == unquote(zunhua.as_uri())
    assert link.get_attribute("href").startswith(page.parent.parent.as_uri())  # relative: ../data/
    assert link.text.endswith(f"zunhua-2024.yaml:{expected.line}")
    editor = item.find_element(By.CSS_SELECTOR, "a.editor").get_attribute("href")
    assert unquote(editor).endswith(f"{zunhua}:{expected.line}:{expected.column}")
    assert "资金支出计划到 12月底 累计 100%" in item.text  # the rule's Chinese text
    assert f"{expected.line}│" in item.find_element(By.CSS_SELECTOR, ".snippet").text


def test_the_charts_are_there_inline(opened):
    driver, _ = opened
    charts = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")
    ids = {chart.get_attribute("id") for chart in charts}
    assert ids == {"chart-budget", "chart-findings", "chart-indicators", "chart-plan", "chart-yoy"}
    budget = driver.find_element(By.ID, "chart-budget")
    assert "2024 年各部门项目预算（万元）" in budget.text and "乙局" in budget.text
    readable_2024 = driver.find_elements(
        By.CSS_SELECTOR, '#filings tbody tr[data-year="2024"]:not([data-status="无法读取"])'
    )
    assert len(budget.find_elements(By.CSS_SELECTOR, "rect.rect")) == len(readable_2024) == 7
    assert driver.find_elements(By.CSS_SELECTOR, "svg script") == []
    assert len(driver.find_elements(By.TAG_NAME, "script")) == 1  # the page's own, inline


def test_checks_across_filings_and_year_over_year_are_shown(opened, folders):
    driver, _ = opened
    across = driver.find_element(By.ID, "across")
    duplicate = across.find_element(By.CSS_SELECTOR, 'li[data-rule="cross-project-code"]')
    assert "「D1」" in duplicate.text and "另见" in duplicate.text
    yoy = driver.find_element(By.CSS_SELECTOR, "table.yoy tbody")
    assert "甲局" in yoy.text and "+0.50" in yoy.text


def test_what_a_filing_says_is_shown_never_obeyed(opened):
    driver, _ = opened
    assert driver.find_elements(By.CSS_SELECTOR, "main img") == []
    assert HOSTILE in driver.find_element(By.ID, "filings").text


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _row(rows, stem: str):
    return next(r for r in rows if Path(r.get_attribute("data-file")).stem == stem)


def _index(driver, file: Path) -> str:
    link = driver.find_element(By.CSS_SELECTOR, f'#filings tr[data-file="{file}"] td a')
    return link.get_attribute("href").rsplit("#f-", 1)[1]


# -- hostile text and hostile folders: `pbgen report` in a process of its own, with a time limit


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> tuple[Path, Path]:
    """bench/hostile.py's departments named to break out of a page (script tags, quotes that
    end an attribute, bidi overrides, control characters, a 200,000-character name, a file
    named javascript:…), reported with every output."""
    root = tmp_path_factory.mktemp("hostile-report")
    folder = hostile().hostile_departments(root / "filings")
    done = pbgen(
        "report", folder.name, "-o", "out", "-f", "html,xlsx", "--feedback", cwd=root, seconds=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return folder, root / "out"


def test_a_departments_text_is_shown_on_the_page_never_obeyed(hostile_report):
    _, out = hostile_report
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert hostile().raw_text(page) == []  # no control or bidi character anywhere, attributes too
    tree = html.fromstring(page.encode())
    assert len(tree.xpath("//script")) == 1  # the page's own
    assert tree.xpath("//main//img | //main//*[@onload] | //main//*[@onerror]") == []
    table = tree.get_element_by_id("filings").text_content()
    for name in hostile().HOSTILE_NAMES.values():
        if len(name) <= LIMIT:
            assert visible(name) in table
    long = hostile().HOSTILE_NAMES["long"]
    assert f"{long[:LIMIT]}…（共 200,000 字" in table and long[: LIMIT + 1] not in page
    labels = [text.text_content() for text in tree.xpath("//svg//text")]  # the charts'
    assert any(label.startswith("长" * LABEL) for label in labels)
    assert not any("长" * (LABEL + 1) in label for label in labels)


def test_a_file_named_like_a_script_url_is_linked_as_a_file(hostile_report):
    folder, out = hostile_report
    tree = html.fromstring((out / "审核报告.html").read_bytes())
    links = tree.xpath('//table[@id="filings"]//td[@class="file"]/a/@href')
    assert len(links) == len(list(folder.glob("*.yaml")))
    for href in links:
        assert not href.lower().startswith(("javascript:", "data:", "vbscript:"))
        assert (out / unquote(href)).resolve().parent == folder.resolve()
    assert "../filings/javascript%3Aalert%281%29.yaml" in links


def test_a_folder_with_links_that_loop_a_pipe_and_dev_zero_is_reported(tmp_path):
    """Each is a filing that cannot be read, said at once: nothing hangs, no traceback."""
    folder = hostile().symlink_loops(tmp_path / "filings")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    done = pbgen("report", folder.name, "-o", "out", "--feedback", cwd=tmp_path, seconds=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    tree = html.fromstring((tmp_path / "out" / "审核报告.html").read_bytes())
    rows = tree.xpath('//table[@id="filings"]/tbody/tr')
    status = {Path(row.get("data-file")).name: row.get("data-status") for row in rows}
    assert status == {
        "filing.yaml": "通过",
        **dict.fromkeys(("self.yaml", "a.yaml", "b.yaml", "pipe.yaml", "zero.yaml"), "无法读取"),
    }


def test_a_filing_with_thousands_of_findings_is_listed_in_part_and_counted_whole(tmp_path):
    """A filing of 700 projects named 待填: the page lists its first findings, says how many
    more there are and where to find them; the counts and the workbook have them all."""
    folder = tmp_path / "filings"
    folder.mkdir()
    filing = hostile().long_filing(folder / "long.yaml", 1)
    text = filing.read_text(encoding="utf-8")
    filing.write_text(re.sub(r"(\n  - code: P\d+\n    name: ).*", r"\g<1>待填", text), "utf-8")
    done = pbgen("report", folder.name, "-o", "out", "-f", "html,xlsx", cwd=tmp_path, seconds=120)
    assert done.returncode == 0, done.stderr
    tree = html.fromstring((tmp_path / "out" / "审核报告.html").read_bytes())
    (row,) = tree.xpath('//table[@id="filings"]/tbody/tr')
    errors = int(row.xpath("td")[4].text_content())
    assert errors > LISTED
    group = tree.get_element_by_id("f-0")
    assert len(group.xpath('.//li[contains(@class, "finding")]')) == LISTED
    assert f"另有 {errors - LISTED} 条问题未在本页列出" in group.text_content()
    groups = tree.xpath('//section[@id="by-rule"]//details')
    counted = [int(re.search(r"(\d+) 条，1 份文件", g.text_content())[1]) for g in groups]
    assert sum(counted) == errors  # every finding counted under its rule,
    assert sum(len(g.xpath('.//li[not(@class="more")]')) for g in groups) == LISTED  # some listed
    sheet = load_workbook(tmp_path / "out" / "审核报告.xlsx", read_only=True)["问题"]
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == errors
