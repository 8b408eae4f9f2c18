"""From save to refreshed preview: `pbgen watch` on seed 000 (乐亭), in headless Chromium.

Each round appends a space to a comment line of the filing (a real save: new mtime and size),
then waits until the page shows the new version; the time is from just before the write to the
moment the page's script applied the new state (its Date.now(), same clock). Prints each
round and the median. Also prints the page as a PNG (bench/watch.png is not kept in git).

    .venv/bin/python bench/watch.py [FILE] [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from pbgen.watch import Preview, serve, url

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=ROOT / "data" / "leting-2024.yaml", type=Path)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--screenshot", type=Path, default=Path(tempfile.gettempdir()) / "watch.png"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pbgen-bench-watch-"))
    filing = folder / args.file.name
    shutil.copy(args.file, filing)
    preview = Preview(filing)
    started = time.perf_counter()
    preview.refresh()
    print(f"first render (cold, in process): {time.perf_counter() - started:.2f} s")
    server = serve(preview)
    threading.Thread(target=preview.watch, daemon=True).start()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url(server))

        def version() -> int:
            return int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-version"))

        WebDriverWait(driver, 30).until(lambda _: version() >= 1)
        latencies, renders = [], []
        for round_ in range(1, args.rounds + 1):
            before = version()
            text = filing.read_text(encoding="utf-8")
            saved_at = time.time()
            filing.write_text(text + "\n#", encoding="utf-8")
            WebDriverWait(driver, 30, poll_frequency=0.01).until(
                lambda _, before=before: version() > before
            )
            shown_at = driver.execute_script("return window.pbgenUpdatedAt") / 1000
            latencies.append(shown_at - saved_at)
            renders.append(preview.snapshot.seconds)
            print(
                f"round {round_}: save → page {latencies[-1]:.3f} s (check+render {renders[-1]:.3f} s)"
            )
        print(
            f"median save → refreshed preview: {statistics.median(latencies):.3f} s "
            f"(check+render {statistics.median(renders):.3f} s; poll {0.05:.2f} s + settle 0.05 s)"
        )
        time.sleep(1)
        driver.save_screenshot(str(args.screenshot))
        print(f"screenshot: {args.screenshot}")
    finally:
        driver.quit()
        preview.stop()
        server.shutdown()
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
