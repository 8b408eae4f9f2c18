"""Benchmark, not a test: the hostile cases of issue 24, each run by `pbgen` in a fresh process,
printing its exit status, wall time, peak memory (ru_maxrss of the largest process of its tree,
``os.wait4``) and what happened. The tests build the same cases from the helpers here.

    .venv/bin/python bench/hostile.py [--source DIR] [--seconds N] [CASE ...]

``--source DIR`` runs the pbgen of another checkout, e.g. main's before a change
(``git archive main | tar -x -C /tmp/pbgen-main``). Every run is ended after ``--seconds``
(default 120) and capped at 6 GB of address space, so that a case pbgen does not bound cannot
take the machine with it: "killed" in the table is that limit, not pbgen's.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.server
import json
import os
import queue
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
CLEAN = ROOT / "tests" / "fixtures" / "clean.yaml"
SECRET = "PBGEN-SECRET-7F3A"  # what a hostile layout tries to print
SAFETY_CAP = 6 * 1024**3  # bytes of address space for every run of this benchmark

# -- the cases' material (the tests use these too) -------------------------------------------------


def clean_filing(path: Path, name: str = "委员视察经费") -> Path:
    """The tests' clean filing, its first project renamed to ``name``."""
    data = yaml.load(CLEAN.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    data["units"][0]["projects"][0]["name"] = name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def templates_with(folder: Path, expression: str, layout: str = "wenben") -> Path:
    """A copy of pbgen's templates whose ``layout`` prints ``expression`` as its title."""
    shutil.copytree(TEMPLATES, folder)
    html = folder / layout / "document.html.j2"
    text = html.read_text(encoding="utf-8")
    html.write_text(text.replace("{{ title }}", expression, 1), encoding="utf-8")
    return folder


def cloned_repository(folder: Path) -> Path:
    """A repository as it is cloned: a filing, a pbgen.toml naming its ``forms``, a 绩效文本
    layout of its own that prints ``common/id_rsa``, and ``forms/common`` a symlink to a folder
    elsewhere holding a secret. Returns the filing."""
    secrets = folder / "home" / ".ssh"
    secrets.mkdir(parents=True)
    (secrets / "id_rsa").write_text(SECRET + "\n", encoding="utf-8")
    repository = folder / "repository"
    forms = repository / "forms"
    forms.mkdir(parents=True)
    shutil.copytree(TEMPLATES / "wenben", forms / "wenben")
    html = forms / "wenben" / "document.html.j2"
    text = html.read_text(encoding="utf-8")
    text = text.replace('{% include "common/base.css" %}', "").replace(
        '{% include "common/form.css" %}', ""
    )
    html.write_text(
        text.replace("<body>", '<body><pre>{% include "common/id_rsa" %}</pre>', 1), "utf-8"
    )
    (forms / "common").symlink_to(secrets, target_is_directory=True)
    (repository / "pbgen.toml").write_text('template_dir = "forms"\n', encoding="utf-8")
    return clean_filing(repository / "filing.yaml")


RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="900" name="x"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
    'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://'
    'schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="900" '
    'name="x"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip xmlns:r="{rels}" '
    'r:link="{id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
    '<a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/>'
    "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)
LINKS = {  # kind: (relationship type, what refers to it in the body; {id}, {rels})
    "image": ("image", DRAWING),
    "hyperlink": ("hyperlink", '<w:p><w:hyperlink xmlns:r="{rels}" r:id="{id}"><w:r><w:t>'
                  "链接</w:t></w:r></w:hyperlink></w:p>"),
    "subdocument": ("subDocument", '<w:p><w:subDoc xmlns:r="{rels}" r:id="{id}"/></w:p>'),
    "ole": ("oleObject", '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:'
            'office:office" xmlns:r="{rels}" Type="Link" ProgID="Excel.Sheet.12" r:id="{id}" '
            'UpdateMode="Always"/></w:object></w:r></w:p>'),
}  # fmt: skip


def linked_docx(source: Path, target: Path, url: str, kinds=(*LINKS, "template")) -> Path:
    """``source`` (a Word template) with external links to ``url`` + kind: a linked picture,
    a hyperlink, a sub-document, a linked OLE object in the body, and an attached template."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    body = ""
    for number, kind in enumerate(kind for kind in kinds if kind in LINKS):
        type_, xml = LINKS[kind]
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdX{number}" Type="{RELS}/{type_}" Target="{url}{kind}" '
            'TargetMode="External"/></Relationships>',
        )
        body += xml.format(rels=RELS, id=f"rIdX{number}")
    parts["word/_rels/document.xml.rels"] = rels.encode()
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b"<w:body>" + body.encode(), 1
    )
    if "template" in kinds:
        settings = parts["word/settings.xml"].decode()
        settings = re.sub(r"(<w:zoom [^>]*/>)", r'\1<w:attachedTemplate r:id="rIdT"/>', settings)
        parts["word/settings.xml"] = settings.encode()
        parts["word/_rels/settings.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" '
            f'Type="{RELS}/attachedTemplate" Target="{url}template" TargetMode="External"/>'
            "</Relationships>"
        ).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return target


class Server:
    """An HTTP server on 127.0.0.1 that answers 404 and counts what it was asked:
    ``with Server() as server: … server.url, server.requests``."""

    def __enter__(self) -> Server:
        self.requests: list[str] = []
        requests = self.requests

        class Counting(http.server.BaseHTTPRequestHandler):
            def handle_one_request(self):
                self.raw_requestline = self.rfile.readline(65537)
                if self.raw_requestline:
                    requests.append(self.raw_requestline.decode(errors="replace").strip())
                    self.wfile.write(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                self.close_connection = True

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.http.shutdown()
        self.http.server_close()


def long_filing(path: Path, megabytes: float) -> Path:
    """A clean filing of about ``megabytes`` MB: the one project repeated (~1.4 KB each)."""
    data = yaml.load(CLEAN.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    unit = data["units"][0]
    first = unit["projects"][0]
    one = len(yaml.safe_dump(first, allow_unicode=True).encode())
    projects = []
    for number in range(max(1, int(megabytes * 2**20 / one * 0.85))):  # indented in the file
        project = copy.deepcopy(first)  # not shared: YAML would write it once, as an alias
        project.update(code=f"P{number:06d}", name=f"{first['name']}{number}")
        projects.append(project)
    unit["projects"] = projects
    unit.pop("total", None)
    data.pop("department_budget", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def half_open(port: int, count: int) -> tuple[list[socket.socket], int]:
    """``count`` connections that send half a request line and then nothing: those that stay
    open, and how many the server refused or closed at once."""
    sockets, refused = [], 0
    for _ in range(count):
        try:
            client = socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            refused += 1
            continue
        sockets.append(client)
        try:
            client.sendall(b"GET /state HTTP/1.1\r\n")
        except OSError:
            refused += 1
    return sockets, refused


def hostile_filings(folder: Path) -> tuple[Path, Path]:
    """Two versions of a filing whose project name carries ESC, an OSC title sequence and a
    bidi override: what a terminal would obey."""
    name = "委员\x1b]0;pwned\x07视察\x1b[31m经费\u202e"
    old = clean_filing(folder / "old.yaml")
    text = old.read_text(encoding="utf-8").replace("委员视察经费", "委员视察")
    old.write_text(text, encoding="utf-8")
    new = folder / "new.yaml"
    data = yaml.load(CLEAN.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    data["units"][0]["projects"][0]["name"] = name
    new.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return old, new


def git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    identity = ["-c", "user.name=pbgen", "-c", "user.email=pbgen@example.invalid"]
    return subprocess.run(
        ["git", *identity, "-C", str(folder), *args], capture_output=True, text=True
    )


def symlink_loops(folder: Path) -> Path:
    """A folder of filings that also holds a file linking to itself, two linking to each
    other and a folder linking to itself."""
    folder.mkdir()
    clean_filing(folder / "filing.yaml")
    (folder / "self.yaml").symlink_to("self.yaml")
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    (folder / "again").symlink_to(".", target_is_directory=True)
    return folder


HOSTILE_NAMES = {  # file stem: a department name crafted to break out of a page or a sheet
    "script": "</script><script>alert(1)</script>局",
    "quote": "\"><img src=x onerror=alert(1)>局'",
    "bidi": "教育\u202e局fdp.exe\u202c",
    "control": "财政\x1b[31m局\x07\x08\x0b\x0c\x1f\x7f\x85\x9b",
    "formula": '=HYPERLINK("http://127.0.0.1/","点我")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1,1)",
    "escape": "_x0041_局",
    "long": "长" * 200_000,
}
HOSTILE_FILES = [  # file stems crafted the same way, for departments with plain names
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "b\u202etxt.exe",
    "c\x1b]0;x\x07",
    "d\nline",
]


def department_filing(path: Path, name: str, number: int) -> Path:
    """The clean filing filed by department ``name`` (project codes and unit code its own),
    its first project named after it too."""
    data = yaml.load(CLEAN.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    data["department"]["name"] = name
    unit = data["units"][0]
    unit["code"] = f"9{number:05d}"
    for index, project in enumerate(unit["projects"]):
        project["code"] = f"H{number:04d}{index}"
    unit["projects"][0]["name"] = name + "项目"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def hostile_departments(folder: Path, names: dict[str, str] | None = None) -> Path:
    """A folder of filings whose department names (``HOSTILE_NAMES``) and file names
    (``HOSTILE_FILES``) are crafted to break out of a report's page, a sheet or a PDF's
    outline."""
    folder.mkdir(parents=True, exist_ok=True)
    names = HOSTILE_NAMES if names is None else names
    for number, (stem, name) in enumerate(names.items()):
        department_filing(folder / f"{stem}.yaml", name, number)
    for number, stem in enumerate(HOSTILE_FILES, start=len(names)):
        department_filing(folder / f"{stem}.yaml", f"文件名局{number}", number)
    return folder


def flat_filing(path: Path, megabytes: float) -> Path:
    """A filing of ``megabytes`` MB whose units are a list of one-character values: within
    pbgen.load's 50 MB, but ~460 bytes of memory to read for each byte of it."""
    count = int(megabytes * 2**20 / 2)
    path.write_text("pbgen: 3\nyear: 2024\nunits: [" + ",".join(["1"] * count) + "]\n", "utf-8")
    return path


KIT_YAML = "id: czj\nname: 示例县财政局\nversion: {version}\nframework: standard\n"


def kit_repository(work: Path, before_tag: Callable[[Path], None] | None = None) -> Path:
    """A bureau's kit published as the bare repository ``work/kit.git``, tagged v1.0;
    ``before_tag(kit)`` makes it hostile first (and commits what it adds)."""
    kit = work / "kit-work"
    kit.mkdir()
    (kit / "kit.yaml").write_text(KIT_YAML.format(version="1.0"), encoding="utf-8")
    git(kit, "init", "-q", "-b", "main")
    git(kit, "add", "-A")
    git(kit, "commit", "-q", "-m", "kit 1.0")
    if before_tag is not None:
        before_tag(kit)
    git(kit, "tag", "v1.0")
    git(work, "clone", "-q", "--bare", str(kit), str(work / "kit.git"))
    return work / "kit.git"


def raw_text(text: str) -> list[str]:
    """What a page or sheet would obey rather than show: control and bidi characters."""
    return sorted(
        {f"U+{ord(c):04X}" for c in text if c not in "\n\r\t" and unicodedata.category(c) in HIDDEN}
    )


HIDDEN = {"Cc", "Cf"}


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Run:
    exit: int | None  # None: killed at the benchmark's limit
    seconds: float
    peak_mb: float
    out: str
    err: str


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (SAFETY_CAP, SAFETY_CAP))


def pbgen_command(source: Path | None) -> tuple[list[str], dict]:
    """How to run pbgen: this checkout's, or the checkout at ``source``."""
    env = {**os.environ, "COLUMNS": "300"}
    if source is None:
        return [str(Path(sys.executable).with_name("pbgen"))], env
    return [sys.executable, "-m", "pbgen"], {**env, "PYTHONPATH": str(source)}


def run(
    command: list[str],
    cwd: Path,
    env: dict,
    seconds: float,
    *,
    nofile: int | None = None,
    during: Callable[[subprocess.Popen], None] | None = None,
    pipes: bool = False,
) -> Run:
    """``command`` in a process group of its own, ended with the group after ``seconds``;
    ``during(process)`` runs meanwhile (a watch case talks to it, then sends Ctrl-C; with
    ``pipes`` it talks on its stdin and stdout, as an editor to ``pbgen lsp``)."""

    def limits() -> None:
        _limits()
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE if pipes else out, stderr=err,
            stdin=subprocess.PIPE if pipes else None, preexec_fn=limits, start_new_session=True,
        )  # fmt: skip
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(seconds, kill)
        timer.start()
        try:
            if during is not None:
                during(process)
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # what it left running
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        code = None if killed.is_set() else os.waitstatus_to_exitcode(status)
        return Run(code, wall, usage.ru_maxrss / 1024, out.read().decode(), err.read().decode())


# -- the cases ---------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    run: Callable[[Path, list[str], dict, float], tuple[Run, str]]
    notes: list[str] = field(default_factory=list)


def case_common_symlink(work, pbgen, env, seconds):
    filing = cloned_repository(work)
    result = run(
        [*pbgen, "render", filing.name, "-o", "out", "-f", "pdf"], filing.parent, env, seconds
    )
    pdfs = list((filing.parent / "out").glob("*.pdf"))
    text = (
        subprocess.run(["pdftotext", pdfs[0], "-"], capture_output=True, text=True).stdout
        if pdfs
        else ""
    )
    return result, f"secret in PDF: {'YES' if SECRET in text else 'no'}; PDF written: {bool(pdfs)}"


def _template_case(expression: str):
    def case(work, pbgen, env, seconds):
        templates = templates_with(work / "templates", expression)
        filing = clean_filing(work / "filing.yaml")
        result = run(
            [*pbgen, "render", filing.name, "-o", "out", "-f", "pdf", "--template-dir", str(templates)],
            work, env, seconds,
        )  # fmt: skip
        said = "Traceback" if "Traceback" in result.out + result.err else _said(result)
        return result, said

    return case


def _said(result: Run, last: bool = False) -> str:
    text = (result.err or result.out).strip().splitlines()
    return text[-1 if last else 0][:110] if text else ""


def case_linked_docx(work, pbgen, env, seconds):
    templates = work / "templates"
    shutil.copytree(TEMPLATES, templates)
    filing = clean_filing(work / "filing.yaml")
    with Server() as server:
        linked_docx(
            TEMPLATES / "wenben" / "template.docx",
            templates / "wenben" / "template.docx",
            server.url,
        )
        result = run(
            [*pbgen, "render", filing.name, "-o", "out", "-f", "docx", "--template-dir", str(templates)],
            work, env, seconds,
        )  # fmt: skip
        requests = len(server.requests)
    left = ""
    if (work / "out" / "filing.docx").is_file():
        with zipfile.ZipFile(work / "out" / "filing.docx") as package:
            left = sum(
                package.read(name).count(b'TargetMode="External"')
                for name in package.namelist() if name.endswith(".rels")
            )  # fmt: skip
    return result, f"requests to 127.0.0.1: {requests}; external links left in DOCX: {left}"


def case_long_render(work, pbgen, env, seconds):
    filing = long_filing(work / "long.yaml", 20)
    result = run([*pbgen, "render", filing.name, "-o", "out", "-j", "1"], work, env, seconds)
    return result, f"{filing.stat().st_size / 2**20:.0f} MB; " + _said(result)


def _watch(filing: Path, pbgen, env, seconds, action, nofile=None):
    """``pbgen watch filing``: ``action(address, process)`` once it says its address, then
    Ctrl-C. Returns the run and what ``action`` found."""
    found: list[str] = []

    def during(process):
        deadline = time.monotonic() + seconds
        address = None
        while time.monotonic() < deadline and _alive(process):
            time.sleep(0.2)
            address = _address(process)
            if address:
                break
        if address:
            found.append(action(address, process))
        if _alive(process):
            process.send_signal(signal.SIGINT)

    result = run([*pbgen, "watch", str(filing), "--no-browser"], filing.parent, env, seconds,
                 nofile=nofile, during=during)  # fmt: skip
    return result, "; ".join(found)


def _alive(process) -> bool:
    """Whether ``process`` runs, without reaping it (``run`` waits for it with ``wait4``)."""
    try:
        return Path(f"/proc/{process.pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _address(process) -> str | None:
    """The preview's address, from the first line ``pbgen watch`` writes to its stderr."""
    try:
        text = Path(f"/proc/{process.pid}/fd/2").read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r"(http://127\.0\.0\.1:\d+/)", text)
    return match.group(1) if match else None


def _stderr(process) -> str:
    try:
        return Path(f"/proc/{process.pid}/fd/2").read_text(errors="replace")
    except OSError:
        return ""


def _wait_for(process, pattern: str, seconds: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if re.search(pattern, _stderr(process)):
            return time.monotonic() - start
        time.sleep(0.2)
    return None


def case_watch_long(work, pbgen, env, seconds):
    filing = long_filing(work / "long.yaml", 45)

    def action(address, process):
        first = _wait_for(process, "第 1 版", seconds / 3)
        shown = _stderr(process).count("版：")
        clean_filing(work / "short.yaml")
        os.replace(work / "short.yaml", filing)
        start = time.monotonic()
        while _stderr(process).count("版：") == shown and time.monotonic() - start < seconds / 2:
            time.sleep(0.2)
        later = time.monotonic() - start if _stderr(process).count("版：") > shown else None
        return (
            f"first version after {first:.0f} s" if first is not None
            else f"no first version in {seconds / 3:.0f} s"
        ) + (
            f"; a later save shown after {later:.1f} s" if later is not None
            else f"; a later save not shown in {seconds / 2:.0f} s"
        )  # fmt: skip

    return _watch(filing, pbgen, env, seconds, action)


def case_watch_connections(work, pbgen, env, seconds):
    filing = clean_filing(work / "filing.yaml")

    def action(address, process):
        _wait_for(process, "第 1 版", 60)
        port = int(address.rsplit(":", 1)[1].strip("/"))
        sockets, refused = half_open(port, 1100)
        start = time.monotonic()
        answered = None
        while answered is None and time.monotonic() - start < 30:
            if _get(address + "state", 5):
                answered = time.monotonic() - start
        for client in sockets:
            client.close()
        after = _get(address + "state", 30)
        tracebacks = _stderr(process).count("Traceback")
        during = f"after {answered:.0f} s" if answered is not None else "not in 30 s"
        return (
            f"refused or closed at once: {refused}; the page answered {during}, "
            f"once they closed: {after}; tracebacks: {tracebacks}"
        )

    return _watch(filing, pbgen, env, seconds, action, nofile=1024)


def _get(url: str, seconds: float) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=seconds) as response:
            return response.status == 200
    except OSError:
        return False


def case_diff_escapes(work, pbgen, env, seconds):
    old, new = hostile_filings(work)
    result = run([*pbgen, "diff", old.name, new.name], work, env, seconds)
    textconv = run([*pbgen, "diff", "--textconv", new.name], work, env, seconds)
    raw = [
        name
        for name, text in (("diff", result.out), ("textconv", textconv.out))
        if "\x1b" in text or "\u202e" in text
    ]
    return result, f"raw ESC/U+202E printed by: {', '.join(raw) or 'none'}"


def case_diff_option(work, pbgen, env, seconds):
    repository = work / "repository"
    repository.mkdir()
    git(repository, "init", "-q")
    clean_filing(repository / "filing.yaml")
    git(repository, "add", "filing.yaml")
    git(repository, "commit", "-qm", "x")
    (repository / "written:.").mkdir()
    result = run(
        [*pbgen, "diff", "--", "--output=written", "filing.yaml"], repository, env, seconds
    )
    written = list((repository / "written:.").iterdir())
    return result, f"git show wrote a file: {'YES' if written else 'no'}; " + _said(result)


def case_hook_dash(work, pbgen, env, seconds):
    repository = work / "repository"
    repository.mkdir()
    git(repository, "init", "-q")
    subprocess.run([*pbgen, "init", "--ci", "none"], cwd=repository, env=env, capture_output=True,
                   input="", text=True, timeout=seconds)  # fmt: skip
    clean_filing(repository / "-dash.yaml")
    git(repository, "add", "--", "-dash.yaml")
    env = {**env, "PATH": f"{Path(pbgen[0]).parent}{os.pathsep}{env.get('PATH', '')}"}
    identity = ["-c", "user.name=pbgen", "-c", "user.email=pbgen@example.invalid"]
    result = run(["git", *identity, "commit", "-qm", "x"], repository, env, seconds)
    return result, "committed" if result.exit == 0 else "commit refused: " + _said(result)


def case_symlink_loop(work, pbgen, env, seconds):
    folder = symlink_loops(work / "filings")
    result = run([*pbgen, "check", folder.name], work, env, seconds)
    said = "Traceback" if "Traceback" in result.out + result.err else _said(result)
    return result, said


def case_report_names(work, pbgen, env, seconds):
    folder = hostile_departments(work / "filings")
    result = run(
        [*pbgen, "report", folder.name, "-o", "out", "-f", "html,xlsx", "--feedback"],
        work, env, seconds,
    )  # fmt: skip
    if "Traceback" in result.out + result.err:
        return result, "Traceback: " + result.err.strip().splitlines()[-1][:90]
    if not (work / "out" / "审核报告.html").is_file():
        return result, "no page; " + _said(result, last=True)
    return result, "; ".join([page_obeys(work / "out" / "审核报告.html"),
                              sheets_obey(sorted((work / "out").rglob("*.xlsx")))])  # fmt: skip


def page_obeys(page: Path) -> str:
    """What of the departments' text the report page would obey, not show."""
    from lxml import html

    text = page.read_text(encoding="utf-8")
    tree = html.fromstring(text.encode())
    scripts = len(tree.xpath("//script"))
    tags = len(tree.xpath("//main//img | //main//*[@onload] | //main//*[@onerror]"))
    links = [a for a in tree.xpath("//a/@href") if a.strip().lower().startswith("javascript:")]
    raw = raw_text(text)
    longest = max((len(m) for m in re.findall("长+", text)), default=0)
    return (
        f"page {len(text.encode()) / 2**20:.1f} MB: {scripts} script, {tags} injected tags, "
        f"{len(links)} javascript: links, raw {','.join(raw) or 'none'}, longest name {longest}"
    )


def sheets_obey(books: list[Path]) -> str:
    """Cells a spreadsheet would take as formulas once edited, or would obey: text starting with
    = + - @ without Excel's quote prefix, control and bidi characters, text cut at 32,767."""
    from openpyxl import load_workbook

    unquoted, raw, cut = 0, set(), 0
    for book in books:
        for sheet in load_workbook(book).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" and not str(cell.value).startswith(("=SUMIF", "=E")):
                        unquoted += 1
                    if not isinstance(cell.value, str) or cell.data_type != "s":
                        continue
                    value = cell.value
                    if value.startswith(("=", "+", "-", "@")) and not cell.quotePrefix:
                        unquoted += 1
                    raw.update(raw_text(value))
                    raw.update(re.findall(r"_x00[01][0-9A-F]_", value))
                    cut += len(value) >= 32767
    return (
        f"{len(books)} workbooks: {unquoted} cells taken as formulas once edited, "
        f"raw {','.join(sorted(raw)) or 'none'}, {cut} cut silently at 32767"
    )


def case_report_loop(work, pbgen, env, seconds):
    folder = symlink_loops(work / "filings")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    result = run([*pbgen, "report", folder.name, "-o", "out", "--feedback"], work, env, seconds)
    said = "Traceback" if "Traceback" in result.out + result.err else _said(result, last=True)
    return result, said


def case_report_enormous(work, pbgen, env, seconds):
    folder = work / "filings"
    folder.mkdir()
    for number in range(999):
        department_filing(folder / f"{number:04d}.yaml", f"部门{number:04d}", number)
    long_filing(folder / "enormous.yaml", 45)
    flat_filing(folder / "flat.yaml", 12)
    result = run(
        [*pbgen, "report", folder.name, "-o", "out", "-f", "html,xlsx"], work, env, seconds
    )
    page = work / "out" / "审核报告.html"
    size = f"page {page.stat().st_size / 2**20:.1f} MB; " if page.is_file() else ""
    return result, size + _said(result, last=True)


def case_book_names(work, pbgen, env, seconds):
    names = {**HOSTILE_NAMES, "long": "长" * 3000}
    folder = hostile_departments(work / "filings", names)
    result = run(
        [*pbgen, "render", folder.name, "-o", "out", "-f", "pdf", "--book", "book.pdf"],
        work, env, seconds,
    )  # fmt: skip
    book = work / "book.pdf"
    if not book.is_file():
        return result, "no book; " + _said(result, last=True)
    import pikepdf

    with pikepdf.open(book) as pdf, pdf.open_outline() as outline:
        titles, stack = [], list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(item.children)
    front = subprocess.run(["pdftotext", "-f", "2", "-l", "3", book, "-"], capture_output=True,
                           text=True).stdout  # fmt: skip
    raw = raw_text("".join(titles) + front.replace("\f", ""))  # pdftotext: \f between pages
    longest = max(len(title) for title in titles)
    terminal = raw_text(result.out + result.err)
    return result, (
        f"bookmarks and 目录 raw: {','.join(raw) or 'none'}; longest bookmark {longest}; "
        f"terminal raw: {','.join(terminal) or 'none'}"
    )


# -- kits fetched by git ------------------------------------------------------------------------


def _kit_use(work: Path, pbgen, env, seconds, source: str, extra_env: dict | None = None):
    """``pbgen kit use -- SOURCE`` in a department folder, kits cached inside ``work``."""
    department = work / "部门"
    department.mkdir()
    env = {**env, "PBGEN_KIT_CACHE": str(work / "cache"), **(extra_env or {})}
    result = run([*pbgen, "kit", "use", "--", source], department, env, seconds)
    used = (department / "pbgen.toml").is_file()
    return result, f"kit pinned: {'YES' if used else 'no'}; " + _said(result, last=True)


def case_kit_link_out(work, pbgen, env, seconds):
    def link(kit):
        (kit / "forms").mkdir()
        (kit / "forms" / "common").symlink_to("/etc")
        git(kit, "add", "-A")
        git(kit, "commit", "-q", "-m", "common")

    kit_repository(work, link)
    return _kit_use(work, pbgen, env, seconds, "../kit.git")


def case_kit_submodule(work, pbgen, env, seconds):
    marker = work / "fetched"

    def submodule(kit):
        commit = git(kit, "rev-parse", "HEAD").stdout.strip()
        (kit / ".gitmodules").write_text(
            f'[submodule "lib"]\n\tpath = lib\n\turl = ext::sh -c touch% {marker}\n', "utf-8"
        )
        git(kit, "add", ".gitmodules")
        git(kit, "update-index", "--add", "--cacheinfo", f"160000,{commit},lib")
        git(kit, "commit", "-q", "-m", "lib")

    kit_repository(work, submodule)
    result, said = _kit_use(work, pbgen, env, seconds, "../kit.git")
    return result, f"ext:: ran: {'YES' if marker.exists() else 'no'}; {said}"


def _kit_source_case(source: str):
    def case(work, pbgen, env, seconds):
        marker = work / "ran"
        result, said = _kit_use(work, pbgen, env, seconds, source.format(marker=marker))
        return result, f"command ran: {'YES' if marker.exists() else 'no'}; {said}"

    return case


def case_kit_hooks(work, pbgen, env, seconds):
    """Hooks git's template folder puts into every checkout (``init.templateDir``)."""
    marker = work / "hooked"
    hooks = work / "template" / "hooks"
    hooks.mkdir(parents=True)
    for name in ("post-checkout", "post-merge", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {marker}\n", "utf-8")
        (hooks / name).chmod(0o755)
    config = work / "gitconfig"
    config.write_text(f"[init]\n\ttemplateDir = {hooks.parent}\n", "utf-8")
    repository = kit_repository(work)
    shutil.copytree(hooks, repository / "hooks", dirs_exist_ok=True)
    result, said = _kit_use(work, pbgen, env, seconds, "../kit.git",
                            {"GIT_CONFIG_GLOBAL": str(config)})  # fmt: skip
    ran = marker.read_text().split() if marker.exists() else []
    return result, f"hooks run: {','.join(ran) or 'none'}; {said}"


def case_kit_branch_as_tag(work, pbgen, env, seconds):
    """A branch ``v1.0`` beside the tag ``v1.0``: ``git clone --branch`` takes the branch."""
    repository = kit_repository(work)
    kit = work / "kit-work"
    git(kit, "checkout", "-q", "-b", "impostor")
    (kit / "kit.yaml").write_text(
        KIT_YAML.format(version="1.0").replace("示例县", "冒充的"), "utf-8"
    )
    git(kit, "commit", "-q", "-am", "impostor")
    git(kit, "push", "-q", str(repository), "impostor:refs/heads/v1.0")
    result, said = _kit_use(work, pbgen, env, seconds, "../kit.git")
    return result, f"impostor used: {'YES' if '冒充' in result.out else 'no'}; {said}"


# -- the language server -----------------------------------------------------------------------


class Editor:
    """An editor's side of ``pbgen lsp`` on the process's pipes: messages sent, and those
    the server sends kept in a queue."""

    def __init__(self, process: subprocess.Popen, root: Path) -> None:
        self.process, self.next_id = process, 0
        self.received: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                    "capabilities": {}})  # fmt: skip
        self.send({"method": "initialized", "params": {}})

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def request(self, method: str, params: dict, seconds: float = 60):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        found = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m, seconds)
        return found.get("result") if found else None

    def wait(self, wanted: Callable[[dict], bool], seconds: float) -> dict | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = self.received.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if wanted(message):
                return message
        return None

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b"\n"):
                if not line:
                    return
                name, _, value = line.decode().partition(":")
                length = int(value) if name.lower() == "content-length" else length
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:  # the server asks: say yes
                self.send({"id": message["id"], "result": None})
            self.received.put(message)

    def diagnostics(self, uri: str, version: int, seconds: float) -> list | None:
        found = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri and m["params"].get("version") == version,
            seconds,
        )  # fmt: skip
        return found["params"]["diagnostics"] if found else None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.request("shutdown", {}, 10)
            self.send({"method": "exit"})
            self.process.stdin.close()


def _server_peak(process) -> float:
    """The server's own peak resident MB (its bounded worker is another process)."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return 0.0
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def _lsp(work: Path, pbgen, env, seconds, text: str, action):
    """``pbgen lsp`` with one filing open, holding ``text`` (unsaved: the file on disk is the
    clean one); ``action(editor, uri)`` says what happened."""
    path = clean_filing(work / "示例县政协-2024.yaml")
    found: list[str] = []

    def during(process):
        try:
            editor = Editor(process, work)
        except OSError:  # a pbgen without a language server
            found.append("no server")
            return
        uri = path.as_uri()
        start = time.monotonic()
        editor.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}}})  # fmt: skip
        found.append(action(editor, uri, start, seconds))
        found.append(f"server peak {_server_peak(process):.0f} MB")
        editor.close()

    result = run([*pbgen, "lsp"], work, env, seconds, during=during, pipes=True)
    return result, "; ".join(found)


def case_lsp_flat(work, pbgen, env, seconds):
    def action(editor, uri, start, seconds):
        first = editor.diagnostics(uri, 1, seconds * 0.6)
        took = time.monotonic() - start
        if first is None:
            return f"no diagnostics in {took:.0f} s"
        said = f"{len(first)} diagnostics after {took:.1f} s"
        if len(first) == 1:
            said += f" ({first[0]['message'][:40]}…)"
        start = time.monotonic()
        editor.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": CLEAN.read_text(encoding="utf-8")}]}})  # fmt: skip
        later = editor.diagnostics(uri, 2, seconds * 0.3)
        answered = f"{time.monotonic() - start:.1f} s" if later is not None else "never"
        return f"{said}; the next change checked after {answered}"

    flat = flat_filing(work / "flat.yaml", 1.2).read_text(encoding="utf-8")
    return _lsp(work, pbgen, env, seconds, flat, action)


def case_lsp_preview(work, pbgen, env, seconds):
    def action(editor, uri, start, seconds):
        editor.diagnostics(uri, 1, seconds * 0.3)
        found = editor.request("workspace/executeCommand",
                               {"command": "pbgen.preview", "arguments": [uri]})  # fmt: skip
        if not found:
            return "no preview"
        state, deadline = {}, time.monotonic() + seconds * 0.6
        while state.get("version", 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.5)
            with (
                contextlib.suppress(OSError, ValueError),
                urllib.request.urlopen(found["url"] + "state", timeout=10) as response,
            ):
                state = json.load(response)
        if state.get("version", 0) < 1:
            return f"no preview version in {seconds * 0.6:.0f} s"
        return (
            f"preview after {time.monotonic() - start:.1f} s, PDF: {state['has_pdf']}, "
            f"says: {state['error'][:30] or '-'}"
        )

    text = long_filing(work / "long.yaml", 1.5).read_text(encoding="utf-8")
    return _lsp(work, pbgen, env, seconds, text, action)


CASES = [
    Case("layout common -> elsewhere", case_common_symlink),
    Case("Word template's external links", case_linked_docx),
    Case("template 'x' * 1500000000", _template_case("{{ 'x' * 1500000000 }}")),
    Case("template nested range loops", _template_case(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")),
    Case("template recursive macro", _template_case(
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")),
    Case("template text doubled 40 times", _template_case(
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s | length }}")),
    Case("render a 20 MB filing", case_long_render),
    Case("watch a 45 MB filing", case_watch_long),
    Case("watch 1100 half-open connections", case_watch_connections),
    Case("diff ESC/OSC/U+202E", case_diff_escapes),
    Case("diff -- --output=FILE", case_diff_option),
    Case("commit hook, filing named -dash", case_hook_dash),
    Case("check a folder with symlink loops", case_symlink_loop),
    Case("report: hostile names", case_report_names),
    Case("report: loops, a pipe, /dev/zero", case_report_loop),
    Case("report: 1000 + 45 MB + 12 MB list", case_report_enormous),
    Case("book: hostile names", case_book_names),
    Case("kit git: forms/common -> /etc", case_kit_link_out),
    Case("kit git: submodule, ext:: URL", case_kit_submodule),
    Case("kit source ext::sh -c touch", _kit_source_case("ext::sh -c touch% {marker}")),
    Case("kit source --upload-pack=touch", _kit_source_case("--upload-pack=touch {marker}")),
    Case("kit git: hooks in the checkout", case_kit_hooks),
    Case("kit git: branch named v1.0", case_kit_branch_as_tag),
    Case("lsp: 1.2 MB of one-char values", case_lsp_flat),
    Case("lsp: preview of a 1.5 MB filing", case_lsp_preview),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, help="a checkout whose pbgen to run")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("cases", nargs="*", help="names (or parts of names) of cases to run")
    args = parser.parse_args()
    pbgen, env = pbgen_command(args.source)
    chosen = [
        case for case in CASES if not args.cases or any(part in case.name for part in args.cases)
    ]
    print(f"{'case':36} {'exit':>6} {'seconds':>8} {'peak MB':>8}  what happened", flush=True)
    for case in chosen:
        with tempfile.TemporaryDirectory(prefix="pbgen-hostile-") as folder:
            result, said = case.run(Path(folder), pbgen, env, args.seconds)
        exit_ = "killed" if result.exit is None else str(result.exit)
        print(
            f"{case.name:36} {exit_:>6} {result.seconds:8.1f} {result.peak_mb:8.0f}  {said}",
            flush=True,
        )


if __name__ == "__main__":
    main()
