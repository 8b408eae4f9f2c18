"""The README's example filing is real: it loads and checks clean."""

import re

from conftest import ROOT, findings


def test_readme_example_filing_checks_clean(write_filing):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# yaml-language-server.*?)```", readme, re.S)[1]
    assert findings(write_filing(text=example)) == []
