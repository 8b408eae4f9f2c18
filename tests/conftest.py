"""Shared fixtures: a defect-free filing, and a way to write variants of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pbgen.check import check
from pbgen.findings import Finding
from pbgen.load import load

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DATA = ROOT / "data"
CLEAN = FIXTURES / "clean.yaml"


def clean_data() -> dict:
    """The clean filing as plain data, every scalar a string (as pbgen reads it)."""
    return yaml.load(CLEAN.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def project(data: dict, index: int = 0) -> dict:
    return data["units"][0]["projects"][index]


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def write_filing(tmp_path: Path) -> Callable[..., Path]:
    """write_filing(mutate) → path of the clean filing changed by ``mutate(data)``;
    write_filing(text=...) → path of a file with exactly that text."""

    def write(
        mutate: Callable[[dict], object] | None = None,
        *,
        text: str | None = None,
        name: str = "filing.yaml",
    ) -> Path:
        if text is None:
            data = clean_data()
            if mutate is not None:
                mutate(data)
            text = dump(data)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def findings(path: Path, rule: str | None = None) -> list[Finding]:
    """Findings of ``check`` on ``path``, only those of ``rule`` when given."""
    found = check(load(path))
    return [finding for finding in found if rule is None or finding.rule == rule]


NOT_PRINTED = {"pbgen", "layout", "money_unit", "check", "year", "numbered", "from_projects"}
TREE_KEYS = {"indicators", "department_indicators", "period_indicators"}
LABEL_KEYS = {
    "named",
    "extra",
}  # mappings whose keys a document prints (名称 → amounts, 标签 → text)


def filing_strings(data, key=None) -> list[str]:
    """Every text a filing gives that a document must print: string values, one per line,
    and the 一级/二级 names of indicator trees (which are keys)."""
    found: list[str] = []
    if isinstance(data, dict):
        for name, value in data.items():
            if name in NOT_PRINTED:
                continue
            if key in TREE_KEYS or key == "level1" or key in LABEL_KEYS:
                found.append(name)
            found += filing_strings(value, "level1" if key in TREE_KEYS else name)
    elif isinstance(data, list):
        for item in data:
            found += filing_strings(item, key)
    elif isinstance(data, str):
        found += [line.strip() for line in data.splitlines() if line.strip()]
    return found


def squeeze(text: str) -> str:
    """Text without any white space: line wrapping and cell breaks do not count."""
    return "".join(text.split())


# -- pbgen as a user installs it ------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """pbgen installed from its wheel into a fresh venv outside the repository."""

    wheel: Path
    venv: Path
    no_pdf_engine: (
        Path  # a folder for PYTHONPATH: there, `import weasyprint` fails as without Pango
    )

    def run(self, *args, cwd: Path, pdf_engine: bool = True) -> subprocess.CompletedProcess:
        """``pbgen ARGS`` in ``cwd``; without ``pdf_engine``, WeasyPrint cannot load Pango."""
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        if not pdf_engine:
            env["PYTHONPATH"] = str(self.no_pdf_engine)
        pbgen = self.venv / "bin" / "pbgen"
        return subprocess.run(
            [str(pbgen), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True
        )


# What WeasyPrint raises on a Windows or macOS machine without Pango (its ffi.py, cffi dlopen).
NO_PANGO = """raise OSError(
    "cannot load library 'libgobject-2.0-0': error 0x7e.  Additionally, ctypes.util.find_library()"
    " did not manage to locate a library called 'libgobject-2.0-0'"
)
"""


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Installed:
    """Build the wheel and install it in a fresh venv, once per test session (~15 s; pip's
    cache serves the dependencies)."""
    root = tmp_path_factory.mktemp("installed")
    source, wheels = root / "source", root / "wheels"  # a copy: setuptools builds in the tree
    skip = shutil.ignore_patterns(".*", "build", "output", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=skip)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", wheels, source], check=True, cwd=root)
    (wheel,) = wheels.glob("pbgen-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    install = [python, "-m", "pip", "--disable-pip-version-check", "-q", "install", wheel]
    subprocess.run(install, check=True, cwd=root, capture_output=True)
    blocker = root / "no-pdf-engine" / "weasyprint"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(NO_PANGO, encoding="utf-8")
    return Installed(wheel, venv, blocker.parent)


def _bench(name: str):
    """bench/<name>.py, imported once."""
    import importlib.util

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def typography():
    """bench/typography.py, the typesetting measurement the tests share with the benchmark."""
    return _bench("typography")


def hostile():
    """bench/hostile.py: the hostile cases the tests share with the benchmark."""
    return _bench("hostile")


PBGEN = Path(sys.executable).with_name("pbgen")


def pbgen(*args, cwd: Path, seconds: float = 300, env: dict | None = None):
    """``pbgen ARGS`` in a process of its own, ended after ``seconds`` (a hostile case must
    never hang CI): the completed process, its output as text."""
    return subprocess.run(
        [str(PBGEN), *map(str, args)],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
        capture_output=True,
        text=True,
        timeout=seconds,
    )
