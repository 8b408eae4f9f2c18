"""What the report keeps of a filing, and what it costs to read one: a filing that would take
gigabytes to read is stopped at its bounds, and the report goes on with the others."""

from __future__ import annotations

from lxml import html

from pbgen.report.digest import IN_PROCESS_BYTES, MEMORY_BASE, MEMORY_PER_BYTE

from conftest import hostile, pbgen


def test_a_filing_that_would_take_gigabytes_to_read_is_stopped_and_the_others_reported(tmp_path):
    """3 MB of one-character values (within pbgen.load's 50 MB) took 3.3 GB and a minute to
    read and judge in the report's own process; read in the bounded worker, it is stopped at its
    memory cap and reported as a file that cannot be read, saying why, well within the time
    limit (RUST_BACKTRACE=1 made pydantic-core's panic past the cap hang until it)."""
    folder = tmp_path / "filings"
    folder.mkdir()
    flat = hostile().flat_filing(folder / "flat.yaml", 3)
    hostile().clean_filing(folder / "clean.yaml")
    assert flat.stat().st_size > IN_PROCESS_BYTES
    # RUST_BACKTRACE=1, as a developer's shell or CI often has it: the case that hung
    done = pbgen("report", folder.name, "-o", "out", cwd=tmp_path, seconds=100,
                 env={"RUST_BACKTRACE": "1"})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    tree = html.fromstring((tmp_path / "out" / "审核报告.html").read_bytes())
    rows = {row.get("data-file"): row for row in tree.xpath('//table[@id="filings"]/tbody/tr')}
    assert rows["filings/clean.yaml"].get("data-status") == "通过"
    assert rows["filings/flat.yaml"].get("data-status") == "无法读取"
    cap = (MEMORY_BASE + MEMORY_PER_BYTE * flat.stat().st_size) / 2**30
    said = tree.xpath('//details[@id="f-1"]')[0].text_content()
    # a MemoryError in Python, or a library's abort when an allocation fails: either says the cap
    assert f"用尽了 {cap:.1f} GB 的内存上限" in said and "请确认选对了文件" in said
