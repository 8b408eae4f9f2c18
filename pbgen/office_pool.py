"""LibreOffice kept running ("warm") to lay out DOCX files: started once, reused by every
document of a run, restarted when it dies or hangs.

Why: each DOCX 目录 carries the DOCX's own page numbers, which only LibreOffice's layout tells
(``pbgen.docx_pages``). Started for each document, LibreOffice costs ~1 s and a profile of its
own; kept, it lays out a 绩效文本 in ~0.2 s.

How: an office is ``soffice`` listening on a UNO pipe, driven by unoserver's converter in a
small server, ``pbgen/office_bridge.py``, which runs under LibreOffice's own Python (pbgen's
Python cannot load LibreOffice's UNO library) and answers unoserver's XML-RPC ``convert`` on a
port of 127.0.0.1. The bridge ends LibreOffice when pbgen closes its standard input or dies.

Who owns what: one process owns the offices (``kept``: a batch's main process; else the process
that first needs one, until it exits) and a thread per office that starts it when a document
first asks (``want``) and again whenever it ends. The batch's workers share them (``use``):
each office has a lock, taken for one document, and its port and process ids in shared memory.
A conversion that takes longer than it may is a hang: the client ends that office (the owner
starts it again) and tries once more. Without LibreOffice's Python (python3-uno), each document
is laid out by a LibreOffice of its own (``soffice --convert-to``), slower but the same.
An office is also started again after ``RECYCLE`` documents: LibreOffice grows with each.

How many: as many as the cores and the memory allow (``office_count``): each takes ~250 MB
(``OFFICE_MB``, measured on the seeds) and a core when busy.

Each office has a LibreOffice profile of its own, kept in the user's cache folder between runs
(making one costs ~1 s), locked while in use so that no two LibreOffices share one
(``_claim_profile``), given pbgen's settings before each start (``profile_settings``).
``office_command`` is the one place the soffice command line is made.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL, PIPE

import platformdirs

from pbgen.errors import PbgenError

# Where LibreOffice installs itself when it is not on PATH.
SOFFICE_PLACES = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
)
BRIDGE = Path(__file__).with_name("office_bridge.py")
# a heading's page is its bookmark's: exported as a named destination
PDF_WITH_BOOKMARKS = ["ExportBookmarksToPDFDestination=true"]  # unoserver's filter options
PDF_WITH_BOOKMARKS_FILTER = (  # soffice --convert-to's
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
)
START_SECONDS = 90  # the bridge's own limit (60 s) and its Python's start
OFFICE_MB = 250  # soffice.bin after laying out the seeds' DOCX, resident
# LibreOffice grows with each document it lays out (the seeds', PSS: 160 MB after the first,
# 180 after 5, 220 after 10, 245 after 30): started again after this many (a start costs
# ~0.4 s of CPU), it stays under 200 MB
RECYCLE = 5
WORKER_MB = 160  # a pbgen worker that renders PDF
RETRY_POLL = 0.05  # seconds between an owner's looks at a failed office: asked again?
# a slot's port while its office cannot be had
STARTING, NO_UNO, FAILED = 0, -1, -2


class OfficeUnavailable(PbgenError):
    """LibreOffice could not lay the document out: the message says why (in Chinese)."""


class OfficeTimeout(PbgenError):
    """LibreOffice did not finish laying the document out in time (and was ended)."""


class NoUno(OfficeUnavailable):
    """No Python that loads LibreOffice's UNO: each document needs a LibreOffice of its own."""


def libreoffice() -> str | None:
    """LibreOffice's soffice: on PATH, else where its installer puts it (Windows, macOS)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((str(path) for path in SOFFICE_PLACES if path.is_file()), None)


def office_python(soffice: str) -> str | None:
    """The Python that can load LibreOffice's UNO: the one LibreOffice bundles (Windows,
    macOS), else the system's (Debian: python3 with python3-uno). ``PBGEN_OFFICE_PYTHON``
    names another."""
    named = os.environ.get("PBGEN_OFFICE_PYTHON")
    if named:
        return named
    program = Path(soffice).resolve().parent
    bundled = [program / "python.exe", program / "python", program.parent / "Resources/python"]
    found = next((str(path) for path in bundled if path.is_file()), None)
    if found is None and os.name != "nt" and Path("/usr/bin/python3").is_file():
        found = "/usr/bin/python3"  # before PATH's: a pyenv or venv python has no UNO
    return found or shutil.which("python3")


def uno_loads(python: str) -> bool:
    """Whether ``python`` loads LibreOffice's UNO (what the office bridge needs)."""
    try:
        done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def office_command(soffice: str, profile: Path, accept: str | None = None) -> list[str]:
    """The soffice command line, for a kept office (listening on ``accept``) as for one
    conversion: with no network (``without_network``), headless, its own profile, nothing
    restored or shown."""
    command = [
        *without_network(),
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
    ]
    command += ["--nologo", "--norestore", "--nodefault", "--nolockcheck"]
    return command + ([f"--accept={accept}"] if accept else [])


@functools.cache
def without_network() -> list[str]:
    """The command that runs LibreOffice with no network at all, where the system allows it:
    Linux ``unshare`` into a network namespace of its own (as an unprivileged user through a
    user namespace). Elsewhere, or where namespaces are not allowed: nothing (the profile's
    settings and the DOCX without links still hold). A kept office is reached by a pipe, which
    a network namespace does not cut."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return []
    for command in ([unshare, "-n"], [unshare, "-rn"]):
        try:
            probe = subprocess.run([*command, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return command
    return []


REGISTRY = "user/registrymodifications.xcu"  # a profile's settings


def settle_profile(profile: Path, soffice: str) -> None:
    """Give a profile pbgen's settings before LibreOffice starts with it (each an item of its
    registry, ``profile_settings``), where it lacks them: a new profile, or one made before."""
    registry = profile / REGISTRY
    try:
        text = registry.read_text(encoding="utf-8")
    except OSError:
        text = REGISTRY_HEAD + "</oor:items>\n"
    missing = [item for path, item in profile_settings(soffice) if path not in text]
    if missing:
        registry.parent.mkdir(parents=True, exist_ok=True)
        text = text.replace("</oor:items>", "".join(missing) + "</oor:items>", 1)
        registry.write_text(text, encoding="utf-8")


REGISTRY_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/'
    'registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/'
    'XMLSchema-instance">\n'
)


# LibreOffice's settings for the documents it opens: no linked content fetched (a picture's URL),
# no link updated, no macro run. The DOCX holds no such link (``pbgen.docx_links``): these hold
# should one get through, and ``without_network`` holds should these not.
OFFLINE_SETTINGS = {
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): "3",
    ("org.openoffice.Office.Writer/Content/Update", "Link"): "2",  # never
    ("org.openoffice.Office.Writer/Content/Update", "Field"): "false",
}


def profile_settings(soffice: str) -> list[tuple[str, str]]:
    """(what identifies it, the registry item) of each setting pbgen gives a profile:
    ``OFFLINE_SETTINGS``, and the version LibreOffice was last set up as.

    ``ooSetupLastVersion``: LibreOffice records it only when it ends normally, never after
    ``--convert-to`` nor when pbgen ends it; without it every start is "the first after an
    upgrade" and costs ~0.6 s more (measured: 1.0 s against 0.4 s for 乐亭's DOCX)."""
    settings = dict(OFFLINE_SETTINGS)
    version = _installed_version(soffice)
    if version is not None:
        settings["org.openoffice.Setup/Product", "ooSetupLastVersion"] = version
    found = []
    for (path, name), value in settings.items():
        key = f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse">'
        found.append(
            (key + f"<value>{value}</value>", f"{key}<value>{value}</value></prop></item>\n")
        )
    return found


def _installed_version(soffice: str) -> str | None:
    """LibreOffice's version as its configuration names it (``ooSetupVersion``: 7.4)."""
    program = Path(soffice).resolve().parent
    for registry in (program.parent / "share/registry", program.parent / "Resources/registry"):
        try:
            text = (registry / "main.xcd").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = re.search(r'<prop oor:name="ooSetupVersion">\s*<value>([^<]+)</value>', text)
        if found:
            return found[1]
    return None


def profiles_folder() -> Path:
    """``PBGEN_OFFICE_PROFILES``, else the user's cache folder (…/pbgen/libreoffice)."""
    configured = os.environ.get("PBGEN_OFFICE_PROFILES")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_cache_dir("pbgen")) / "libreoffice"


def office_count(workers: int) -> int:
    """How many offices a batch of ``workers`` processes keeps: one per two cores (an office
    lays out while the workers write PDFs), no more than the workers, and no more than the
    memory left beside them holds (at least one). ``PBGEN_OFFICES`` sets it."""
    named = os.environ.get("PBGEN_OFFICES", "")
    if named.isdigit() and int(named) > 0:
        return int(named)
    by_cores = max(1, (os.cpu_count() or 1) // 2)
    free = available_mb()
    by_memory = by_cores if free is None else (free - workers * WORKER_MB) // OFFICE_MB
    return max(1, min(workers, by_cores, by_memory))


def available_mb() -> int | None:
    """Memory available to new processes (Linux: MemAvailable), None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# -- the offices: shared between the owner and its workers ---------------------------------------


@dataclass
class Slot:
    """One office as every process sees it: a lock held for one document; the bridge's port
    (``STARTING``, ``NO_UNO``, ``FAILED`` while there is none); the bridge's and LibreOffice's
    process ids, to end them on a hang; how often it was started; the documents it laid out
    since."""

    lock: object
    port: object
    pids: object
    starts: object
    done: object


@dataclass
class Shared:
    """What a worker needs to use the offices of its batch (passed to it when it starts)."""

    slots: list[Slot]
    wanted: object  # set when a document first asks for an office


class Offices:
    """The offices of one run. The owning process starts them (``own``); workers attach to
    the same ``Shared`` state (``attach``)."""

    def __init__(self, shared: Shared, owner: bool):
        self.shared = shared
        self.owner = owner
        self.closing = False
        self.bridges: list[subprocess.Popen | None] = [None] * len(shared.slots)
        self.threads: list[threading.Thread] = []
        self.profiles: list = []

    @classmethod
    def own(cls, count: int) -> Offices:
        offices = cls(Shared([], _shareable().Event()), owner=True)
        offices.grow(count)
        return offices

    def grow(self, count: int) -> None:
        """Up to ``count`` offices (before the workers that share them start)."""
        shareable = _shareable()
        while len(self.shared.slots) < count:
            self.shared.slots.append(
                Slot(
                    shareable.Lock(),
                    shareable.Value("i", STARTING, lock=False),
                    shareable.Array("q", 2, lock=False),
                    shareable.Value("i", 0),
                    shareable.Value("i", 0, lock=False),
                )
            )
            self.bridges.append(None)
            index = len(self.shared.slots) - 1
            thread = threading.Thread(target=self._keep, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)

    @classmethod
    def attach(cls, shared: Shared) -> Offices:
        return cls(shared, owner=False)

    # -- the owner's side ------------------------------------------------------------------------

    def _keep(self, index: int) -> None:
        """Start office ``index`` when a document first asks for one, and again whenever it
        ends, until the run is over. One that fails to start twice in a row is ``FAILED``
        until a document asks again (``_port``): a long-lived process (the preview, the
        language server) is not left without LibreOffice by one bad moment."""
        slot = self.shared.slots[index]
        self.shared.wanted.wait()
        if self.closing:
            return
        soffice = libreoffice()
        python = office_python(soffice) if soffice else None
        if soffice is None or python is None:
            slot.port.value = NO_UNO
            return
        profile, lock = _claim_profile()
        self.profiles.append(lock)
        failures = 0
        while not self.closing:
            if slot.port.value == FAILED:
                time.sleep(RETRY_POLL)
                continue
            ready = self._start(index, python, soffice, profile)
            if self.closing:
                break
            if isinstance(ready, str):  # why it could not serve
                failures += 1
                if ready == "no-uno":
                    slot.port.value = NO_UNO
                    return
                if failures == 1:  # a profile left half made by an office ended while making it
                    shutil.rmtree(profile, ignore_errors=True)
                    continue
                failures = 0
                slot.port.value = FAILED
                continue
            office_pid, port = ready
            slot.pids[0], slot.pids[1] = self.bridges[index].pid, office_pid
            with slot.starts.get_lock():
                slot.starts.value += 1
            slot.done.value = 0
            slot.port.value = port
            failures = 0
            self.bridges[index].wait()
            slot.port.value = STARTING
            _end(office_pid)

    def _start(self, index: int, python: str, soffice: str, profile: Path):
        """Start a bridge and its LibreOffice: (office pid, port) once it serves, else why
        not (``no-uno``, ``start``)."""
        settle_profile(profile, soffice)
        pipe = f"pbgen-{uuid.uuid4().hex}"
        accept = f"pipe,name={pipe};urp;StarOffice.ComponentContext"
        command = [python, str(BRIDGE), _unoserver_folder(), pipe]
        command += office_command(soffice, profile, accept)
        try:
            bridge = subprocess.Popen(command, stdin=PIPE, stdout=PIPE, stderr=DEVNULL, text=True)
        except OSError:
            return "no-uno"
        self.bridges[index] = bridge
        line = bridge.stdout.readline().split()
        if line[:1] == ["ready"] and len(line) == 3:
            return int(line[1]), int(line[2])
        _close(bridge)
        return line[1] if line[:1] == ["error"] and len(line) > 1 else "start"

    def close(self) -> None:
        """End every office (its bridge ends LibreOffice when its input closes)."""
        if not self.owner:
            return
        self.closing = True
        self.shared.wanted.set()  # wakes the threads that were never asked
        for slot, bridge in zip(self.shared.slots, self.bridges, strict=True):
            if bridge is not None and bridge.poll() is None:  # its LibreOffice runs
                _end(slot.pids[1])
                _close(bridge)
        for thread in self.threads:
            thread.join(timeout=5)
        for lock in self.profiles:
            lock.close()

    # -- every process's side --------------------------------------------------------------------

    def want(self) -> None:
        """A document will need an office: start them now (they start while it is made)."""
        self.shared.wanted.set()

    def convert(self, docx: bytes, seconds: float) -> bytes:
        """The PDF LibreOffice makes of ``docx`` (its bookmarks as named destinations), within
        ``seconds``; a hung or dead office is ended and started again, and the document tried
        once more on it."""
        import xmlrpc.client

        self.want()
        slot = self._take()
        try:
            for attempt in (1, 2):
                port = self._port(slot)
                try:
                    data = _proxy(port, seconds).convert(
                        xmlrpc.client.Binary(docx), "pdf", PDF_WITH_BOOKMARKS
                    )
                    slot.done.value += 1
                    if slot.done.value >= RECYCLE:
                        self._restart(slot)
                    return data.data
                except TimeoutError:
                    self._restart(slot)
                    if attempt == 2:
                        raise OfficeTimeout(f"LibreOffice 在 {seconds:g} 秒内没有排完") from None
                except (OSError, xmlrpc.client.Error) as error:  # it died, or failed the document
                    self._restart(slot)
                    if attempt == 2:
                        raise OfficeUnavailable(f"LibreOffice 排版失败（{_why(error)}）") from None
        finally:
            slot.lock.release()
        raise AssertionError("unreachable")

    def _take(self) -> Slot:
        """A free office, else the one this process waits for."""
        slots = self.shared.slots
        for slot in slots:
            if slot.lock.acquire(block=False):
                return slot
        slot = slots[os.getpid() % len(slots)]
        slot.lock.acquire()
        return slot

    def _port(self, slot: Slot) -> int:
        """The office's port once it serves; ``OfficeUnavailable`` when it cannot. An office
        that failed to start is tried again, once, for this document."""
        if slot.port.value == FAILED:
            slot.port.value = STARTING  # its owner starts it again
        deadline = time.monotonic() + START_SECONDS
        while (port := slot.port.value) == STARTING:
            if time.monotonic() > deadline:
                raise OfficeUnavailable(f"LibreOffice 在 {START_SECONDS} 秒内没有启动")
            time.sleep(0.01)
        if port == NO_UNO:
            raise NoUno("LibreOffice 的 Python（python3-uno）不可用")
        if port == FAILED:
            raise OfficeUnavailable("LibreOffice 无法启动")
        return port

    def _restart(self, slot: Slot) -> None:
        """End the office: its owner starts it again (``_keep``)."""
        office = slot.pids[1]
        slot.port.value = STARTING
        _end(office)


def _proxy(port: int, seconds: float):
    """unoserver's XML-RPC server at ``port``, every read limited to ``seconds``: a hung
    office is found."""
    import xmlrpc.client

    class Timed(xmlrpc.client.Transport):
        def make_connection(self, host):
            connection = super().make_connection(host)
            connection.timeout = seconds
            return connection

    return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}", transport=Timed(), allow_none=True)


def _why(error: BaseException) -> str:
    import xmlrpc.client

    if isinstance(error, xmlrpc.client.Fault):
        return error.faultString.strip().splitlines()[-1][:200]
    return type(error).__name__


def _unoserver_folder() -> str:
    """The folder unoserver is installed in (pure Python: LibreOffice's Python imports it
    from there)."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        raise OfficeUnavailable("没有安装 unoserver（pip install unoserver）")
    return str(Path(next(iter(spec.submodule_search_locations))).parent)


def _end(pid: int) -> None:
    """End process ``pid`` and every process of its group (an office: ``soffice`` is a
    launcher, its group holds the ``soffice.bin`` it started)."""
    if pid <= 0:
        return
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def _close(bridge: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        bridge.stdin.close()
    try:
        bridge.wait(5)
    except subprocess.TimeoutExpired:
        bridge.kill()
        bridge.wait()


def _claim_profile():
    """A LibreOffice profile folder no other office uses, locked until the lock is closed."""
    folder = profiles_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1000):
        lock = open(folder / f"profile-{number}.lock", "a+b")  # noqa: SIM115 (held open)
        if _try_lock(lock):
            return folder / f"profile-{number}", lock
        lock.close()
    raise OfficeUnavailable(f"{folder} 里的 LibreOffice 配置都在使用中")


def _try_lock(file) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# -- which offices this process uses -------------------------------------------------------------

_offices: Offices | None = None


@contextlib.contextmanager
def kept(workers: int) -> Iterator[Shared]:
    """Offices for a batch rendered on ``workers`` processes, kept until it is done; yields
    what the workers need (``use``). They start only when a document first asks. Offices this
    process already has (a document asked for one before the batch began) are the batch's,
    and stay until the process exits."""
    global _offices
    if _offices is not None and _offices.owner:  # this process's own, already starting
        _offices.grow(office_count(workers))
        yield _offices.shared
        return
    before, _offices = _offices, Offices.own(office_count(workers))
    try:
        yield _offices.shared
    finally:
        _offices.close()
        _offices = before


def _shareable():
    """The multiprocessing context the offices' shared state is made in: ``spawn``'s, whose
    locks a spawned process (``pbgen.bounded``'s worker) can use as well as a forked one."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def use(shared: Shared) -> None:
    """In a batch's worker: use the batch's offices."""
    global _offices
    _offices = Offices.attach(shared)


def current() -> Offices:
    """The offices this process uses: its batch's, else one of its own, kept until it exits."""
    global _offices
    if _offices is None:
        _offices = Offices.own(1)
        atexit.register(_offices.close)
    return _offices


def want() -> None:
    """A DOCX will need laying out: the office starts now, while the DOCX is made."""
    if libreoffice() is not None:
        current().want()


def convert_once(docx_files: list[Path], folder: Path, seconds: float) -> None:
    """Each DOCX laid out by one LibreOffice of its own (``soffice --convert-to``), its PDF
    written beside it in ``folder``: where no office can be kept (no python3-uno)."""
    soffice = libreoffice()
    if soffice is None:
        raise OfficeUnavailable("本机没有 LibreOffice")
    profile, lock = _claim_profile()
    try:
        settle_profile(profile, soffice)
        command = office_command(soffice, profile)
        command += ["--convert-to", PDF_WITH_BOOKMARKS_FILTER, "--outdir"]
        _run([*command, str(folder), *map(str, docx_files)], seconds)
    finally:
        lock.close()


def _run(command: list, seconds: float) -> None:
    """Run LibreOffice; if it fails to finish in time, or pbgen is stopped meanwhile, end it
    with every process it started: ``soffice`` is a launcher, and the ``soffice.bin`` it starts
    would otherwise lay out on, for minutes, after pbgen has gone."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **({"start_new_session": True} if os.name != "nt" else {}),
    )
    try:
        code = process.wait(seconds)
    except subprocess.TimeoutExpired:
        raise OfficeTimeout(f"LibreOffice 在 {seconds:g} 秒内没有排完") from None
    finally:
        if process.returncode is None:
            _end(process.pid)
            process.wait()
    if code:
        raise OfficeUnavailable(f"{Path(command[0]).name} 退出码 {code}")
