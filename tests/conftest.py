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


DRAFT_MARK = "草稿"  # in the top margin of every page of a render with check errors


def without_draft_mark(text: str) -> str:
    """A PDF's text as its body reads: the 「草稿」 mark of a draft's margin taken out (a seed
    keeps its real mistakes, so it renders as a draft); pdftotext's page breaks (\\f) stay."""
    return "\n".join(
        "\f" * line.count("\f") if "".join(line.split()) == DRAFT_MARK else line
        for line in text.split("\n")
    )


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


def running(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, ended and not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def squeeze(text: str) -> str:
    """Text without any white space: line wrapping and cell breaks do not count."""
    return "".join(text.split())


def headless_chromium(**capabilities):
    """Chromium as the browser tests drive it (headless, through chromedriver); selenium
    ``capabilities`` such as ``goog:loggingPrefs``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    for name, value in capabilities.items():
        options.set_capability(name, value)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


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
    skip = shutil.ignore_patterns(
        ".*", "build", "output", "*.egg-info", "__pycache__", "node_modules"
    )
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


@pytest.fixture(autouse=True, scope="session")
def kit_cache(tmp_path_factory) -> Path:
    """Kits fetched during the tests land in a cache of their own, never the user's (pbgen
    commands the tests start inherit it)."""
    folder = tmp_path_factory.mktemp("kit-cache")
    os.environ["PBGEN_KIT_CACHE"] = str(folder)
    return folder


@pytest.fixture(autouse=True, scope="session")
def office_profiles(tmp_path_factory) -> Path:
    """The LibreOffice profiles of kept offices (``pbgen.office_pool``) in a folder of the
    tests' own, never the user's cache (pbgen commands the tests start inherit it)."""
    folder = tmp_path_factory.mktemp("office-profiles")
    os.environ["PBGEN_OFFICE_PROFILES"] = str(folder)
    return folder


def write_kit(folder: Path, kit_yaml: str, frameworks: dict[str, str] | None = None) -> Path:
    """A kit folder: ``kit.yaml`` and its ``frameworks/`` (name → YAML text)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kit.yaml").write_text(kit_yaml, encoding="utf-8")
    for name, text in (frameworks or {}).items():
        (folder / "frameworks").mkdir(exist_ok=True)
        (folder / "frameworks" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def write_layout(forms: Path, layout_id: str, name: str, formats: list[str]) -> Path:
    """A department's layout folder ``forms/<layout_id>`` with its manifest: titled with the
    department's name and ``name``, in ``formats``, with no context section (its templates are
    the caller's to write)."""
    layout = forms / layout_id
    layout.mkdir(parents=True)
    (layout / "manifest.yaml").write_text(
        f'id: {layout_id}\nname: {name}\ntitle: "{{{{ department.name }}}}{name}"\n'
        f"formats: [{', '.join(formats)}]\nsections: []\n",
        encoding="utf-8",
    )
    return layout


def git(*args, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=财政局", "-c", "user.email=czj@example.cn", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def publish(kit: Path, repository: Path, version: str) -> None:
    """Commit the kit folder and tag it ``v<version>``, then push to the bare ``repository``
    (made on first use): how a bureau publishes a kit."""
    if not (kit / ".git").exists():
        git("init", "-q", "-b", "main", cwd=kit)
    git("add", "-A", cwd=kit)
    git("commit", "-q", "-m", f"kit {version}", "--allow-empty", cwd=kit)
    git("tag", f"v{version}", cwd=kit)
    if not repository.exists():
        git("clone", "-q", "--bare", kit, repository, cwd=kit.parent)
    else:
        git("push", "-q", "--tags", repository, "main", cwd=kit)


class Attrs(dict):
    """A context (plain dicts) whose keys read as attributes too: ``context.projects[0].name``."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def attrs(value):
    if isinstance(value, dict):
        return Attrs({key: attrs(item) for key, item in value.items()})
    if isinstance(value, list):
        return [attrs(item) for item in value]
    return value


def context_of(filing, layout: str = "wenben") -> Attrs:
    """The context a built-in layout's templates get for ``filing`` (a ``Filing``)."""
    from pbgen.context import build_context
    from pbgen.layouts import find_layout

    return attrs(build_context(filing, find_layout(layout)))
