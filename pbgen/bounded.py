"""What others wrote runs bounded: a layout's templates render in a process of their own, ended
at a limit of time and of memory.

A template is a program. Jinja's sandbox stops what it can see (attribute tricks, ``range``
past 100,000, a text repeated past ``templating.MAX_REPEAT``), not a loop nested in a loop or a
text doubled in one. Signals cannot end it either: ``pbgen watch`` and the language server
render off the main thread, where Python delivers none. So the render runs in a worker process
that the caller ends once its time is up, and whose address space is capped (RLIMIT_AS, where
the system has it): an allocation past the cap fails in the worker as a MemoryError, never
pushing the machine into swap.

The worker is started once and reused, warm; one that was ended is replaced at the next job. On
Linux it is forked from a server that has loaded pbgen and the PDF engine (``FORKED``: it starts
at once, and a batch's workers share those pages); elsewhere it is spawned. Both are safe beside
the preview's threads. It ends with the process that started it, however that ends. It runs
pbgen's functions only, so it never imports the caller's main module. A process has one worker;
a batch's threads have one each (``separate``); a filing rendered alone has a second for its
DOCX (``beside``).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import importlib
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pbgen import office_pool
from pbgen.errors import PbgenError

try:
    import resource
except ImportError:  # Windows: no address-space cap, the time limit still holds
    resource = None

MEMORY = 3 * 1024**3  # bytes of address space; a 5000-project filing renders in under 1.3 GB
BASE_SECONDS = 60.0  # a filing of a few pages renders in 2 s, cold
SECONDS_PER_MB = 300.0  # measured: 100 s of CPU per MB of filing (bench/scale.py), ×3
TIME_LIMIT_VARIABLE = "PBGEN_TIME_LIMIT"  # seconds, replacing the computed limit
STOP_GRACE = 2.0  # seconds a stopped worker has to clean up (LibreOffice, temporary files)
POLL = 0.1  # seconds between looks at ``cancelled``


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory: int | None = MEMORY  # bytes of address space; None: not capped


def limits_for(size: int) -> Limits:
    """The limits for rendering a filing of ``size`` bytes: a minute, and five more for each
    MB (``PBGEN_TIME_LIMIT`` seconds instead, when set)."""
    fixed = os.environ.get(TIME_LIMIT_VARIABLE, "").strip()
    if fixed:
        try:
            return Limits(max(float(fixed), 0.1))
        except ValueError:
            raise PbgenError(
                f"环境变量 {TIME_LIMIT_VARIABLE}={fixed}：应是秒数，如 600。"
            ) from None
    return Limits(BASE_SECONDS + SECONDS_PER_MB * size / 2**20)


class Exceeded(PbgenError):
    """A job ended by its limits, or by its worker's death: nothing was made. ``kind`` says
    which: "time", "memory", "recursion" or "died" (a caller may word it for its own job)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):  # pickled with its kind (args holds only the message)
        return type(self), (str(self), self.kind)


def too_much_to_read(stopped: Exceeded, limits: Limits, size: int, doing: str) -> str:
    """Why a file read in the worker (the report's digest, the language server's check) was
    stopped, as the clerk reads it: no real filing comes near the limits."""
    what = {
        "time": f"超过了 {limits.seconds:.0f} 秒的时限",
        "memory": f"用尽了 {(limits.memory or 0) / 2**30:.1f} GB 的内存上限",
    }.get(
        stopped.kind,
        f"的进程意外终止（常见原因是用尽了 {(limits.memory or 0) / 2**30:.1f} GB 的内存上限）",
    )
    return (
        f"{doing}这份文件（{size / 2**20:.1f} MB）{what}，已停止：一份绩效文本用不到这么多"
        "（一千个项目约 1.4 MB）。请确认选对了文件，或把它拆成几份。"
    )


class Cancelled(Exception):
    """The caller asked the job to stop (a newer save came): not a failure."""


class RemoteFault(Exception):
    """A fault of pbgen in the worker; its message is the worker's traceback."""


def _gigabytes(size: int) -> str:
    return f"{size / 2**30:g} GB"


FORKED = sys.platform.startswith("linux")  # workers forked from a server (else: spawned)
PRELOADED = "pbgen.preloaded"  # what the server loads for them


def _context():
    """How workers start. Linux: forked from a server that has loaded pbgen and the PDF
    engine (multiprocessing's forkserver, ``PRELOADED``): a worker starts at once, and they
    share what was loaded. Elsewhere: spawned, each loading for itself (fork is not safe with
    macOS's frameworks; Windows has none)."""
    import multiprocessing  # here, not above: `pbgen check` never starts a worker

    if not FORKED:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOADED])
    return context


def start_loading() -> None:
    """Start loading what the workers need, now, on another core: the fork server (Linux),
    else this process's worker itself."""
    if not FORKED:
        begin(importlib.import_module, "pbgen.pipeline")
        return
    from multiprocessing import forkserver

    _context()
    with _main_hidden():
        forkserver.ensure_running()


@contextlib.contextmanager
def _main_hidden():
    """The worker runs pbgen's own functions only: it need not import the caller's main module,
    which ``spawn`` would (the ``pbgen`` script: typer and the whole CLI, 0.1 s on the way to
    the first job; a caller's script that does its work at the top level: that work again)."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = main.__dict__.get("__spec__"), main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = saved[0]
        if saved[1] is not None:
            main.__file__ = saved[1]


class Worker:
    """One process that runs jobs one at a time, each bounded (``run``). Threads may share it:
    jobs wait for each other."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process = None
        self._connection = None
        self._owner = 0  # the pid that started the worker: a forked child starts its own
        self._begun = 0  # jobs sent by ``begin`` whose answers are still to be read

    def run(
        self,
        function: Callable[..., Any],
        *args,
        limits: Limits,
        what: str,
        cancelled: Callable[[], bool] | None = None,
    ) -> Any:
        """``function(*args)`` in the worker (both must pickle: a module-level function), with
        this process's environment. Raises what the function raised when it is a
        ``PbgenError``; ``Exceeded`` when the time or memory ran out or the worker died (its
        message begins with ``what``, naming the job); ``Cancelled`` as soon as ``cancelled()``
        says so; ``RemoteFault`` for anything else."""
        with self._lock:
            connection = self._started()
            connection.send((function, args, dict(os.environ), limits.memory))
            try:
                for _ in range(self._begun):  # answered before ours: nobody waits for them
                    self._answer(connection, limits, what, cancelled)
                self._begun = 0
                status, value = self._answer(connection, limits, what, cancelled)
            except BaseException:
                self._stop()  # a job abandoned, for whatever reason, never runs on
                raise
            if status == "ok":
                return value
            if status == "error":
                raise value
            if status == "memory":  # the worker may be left in any state: a new one next time
                self._stop()
                where = f"（{value}）" if value else ""
                raise Exceeded(
                    f"{what}用尽了 {_gigabytes(limits.memory or 0)} 的内存上限{where}，已停止，"
                    "未生成：多半是模板生成了过长的文字。请检查这个模板。",
                    "memory",
                )
            if status == "recursion":
                raise Exceeded(
                    f"{what}调用自己的层数太多（{value}：宏或 include 的递归没有尽头），已停止，"
                    "未生成。请检查这个模板的宏（macro）和 include。",
                    "recursion",
                )
            raise RemoteFault(value)

    def begin(self, function: Callable[..., Any], *args) -> None:
        """Start ``function(*args)`` in the worker and return at once: work the next ``run``
        will need (loading the renderers) done meanwhile, on another core. Its answer is
        dropped; it counts against the time of the next job."""
        with self._lock:
            self._started().send((function, args, dict(os.environ), MEMORY))
            self._begun += 1

    def _answer(self, connection, limits: Limits, what: str, cancelled) -> tuple[str, Any]:
        """The worker's answer, once it comes within the job's time."""
        from multiprocessing.connection import wait

        deadline = time.monotonic() + limits.seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Exceeded(
                    f"{what}在 {limits.seconds:.0f} 秒的时限内没有完成，已停止，未生成："
                    "多半是模板里有不会结束的循环或递归。请检查这个模板；"
                    "文件本身很长时，请拆分成几份。",
                    "time",
                )
            ready = wait([connection, self._process.sentinel], min(remaining, POLL))
            if connection in ready:
                try:
                    return connection.recv()
                except (EOFError, OSError):
                    raise self._died(what, limits) from None
            if ready:  # the sentinel alone: the worker died without an answer
                raise self._died(what, limits)
            if cancelled is not None and cancelled():
                raise Cancelled()

    def _died(self, what: str, limits: Limits) -> Exceeded:
        self._process.join(STOP_GRACE)
        code = self._process.exitcode
        how = f"信号 {signal.Signals(-code).name}" if code and code < 0 else f"退出码 {code}"
        cap = f"（内存上限 {_gigabytes(limits.memory)}）" if limits.memory else ""
        return Exceeded(
            f"{what}的进程意外终止（{how}），未生成：常见原因是内存不足{cap}。"
            "请检查这个模板，或减少并行数（-j 1）后重试。",
            "died",
        )

    def _started(self):
        """The connection to a running worker: this process's own, started if need be."""
        if self._owner != os.getpid():  # never started, or inherited through a fork
            self._process = self._connection = None
            self._begun = 0
        if self._process is None or not self._process.is_alive():
            self._stop()
            context = _context()
            ours, theirs = context.Pipe()
            self._process = context.Process(
                target=_serve,
                args=(theirs, os.getpid(), office_pool.current().shared),
                name="pbgen-render",
                daemon=True,
            )
            with _main_hidden():
                self._process.start()
            theirs.close()
            self._connection, self._owner = ours, os.getpid()
        return self._connection

    def _stop(self) -> None:
        """End the worker: SIGTERM first, so that it removes what it made (LibreOffice,
        temporary files), then SIGKILL."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        self._begun = 0
        if connection is not None:
            connection.close()
        if process is None or self._owner != os.getpid():
            return
        if process.is_alive():
            process.terminate()
            process.join(STOP_GRACE)
        if process.is_alive():
            process.kill()
        process.join()

    def close(self) -> None:
        with self._lock:
            self._stop()


_worker = Worker()
atexit.register(_worker.close)


_own = threading.local()  # a thread's own worker, while it has one (``separate``)


@contextlib.contextmanager
def separate():
    """This thread's jobs run in a worker of its own, ended when the block ends: a batch's
    threads render side by side, each in its process."""
    _own.worker = Worker()
    try:
        yield
    finally:
        worker = _own.worker
        del _own.worker
        worker.close()


_second = Worker()  # this process's second worker: a single render's slower half (``beside``)
atexit.register(_second.close)


def _current(beside: bool) -> Worker:
    if beside:
        return _second
    return getattr(_own, "worker", None) or _worker


def run(
    function: Callable[..., Any],
    *args,
    limits: Limits,
    what: str,
    cancelled=None,
    beside: bool = False,
) -> Any:
    """``Worker.run`` on this thread's worker (``separate``), else this process's; ``beside``:
    on this process's second worker, which runs beside the first on another core."""
    worker = _current(beside)
    return worker.run(function, *args, limits=limits, what=what, cancelled=cancelled)


def begin(function: Callable[..., Any], *args, beside: bool = False) -> None:
    """``Worker.begin`` on the worker ``run`` would use."""
    _current(beside).begin(function, *args)


# -- in the worker ---------------------------------------------------------------------------------


def _serve(connection, parent: int, offices) -> None:
    """The worker's loop: a job in, its outcome out, until the pipe closes. It lays DOCX out
    in the offices of the process that started it (``offices``): started there when a
    document first asks, shared by all its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent decides
    signal.signal(signal.SIGTERM, exit_on_signal)
    end_with(parent)
    office_pool.use(offices)
    while True:
        try:
            function, args, environment, memory = connection.recv()
        except (EOFError, OSError):
            return
        os.environ.clear()
        os.environ.update(environment)
        # past the cap, a Rust library's panic (pydantic-core's, when an allocation fails) that
        # tries to capture a backtrace fails to allocate again and hangs: it must abort instead
        os.environ["RUST_BACKTRACE"] = "0"
        _cap(memory)
        try:
            outcome = ("ok", function(*args))
        except MemoryError as error:
            outcome = ("memory", _template_place(error))
            del error
        except RecursionError as error:  # a template's macro calling itself: named, not a fault
            place = _template_place(error)
            outcome = ("recursion", place) if place else ("fault", traceback.format_exc())
        except PbgenError as error:
            outcome = ("error", _portable(error))
        except Exception:
            outcome = ("fault", traceback.format_exc())
        try:
            connection.send(outcome)
        except Exception:  # a result that does not pickle is a fault of pbgen
            connection.send(("fault", traceback.format_exc()))
        del outcome
        _give_back_memory()


def _give_back_memory() -> None:
    """Return to the system what a job freed: glibc keeps freed memory for the process, and a
    worker would stay at its largest filing's size (~40 MB more)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.cache
def _libc():
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def _cap(memory: int | None) -> None:
    """Cap this process's address space (soft limit only: LibreOffice may raise its own)."""
    if resource is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = resource.RLIM_INFINITY if memory is None else memory
    if hard != resource.RLIM_INFINITY and (wanted == resource.RLIM_INFINITY or wanted > hard):
        wanted = hard
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _portable(error: PbgenError) -> PbgenError:
    """``error`` as it will arrive: itself when it survives pickling, else its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        plain = PbgenError(str(error))
        plain.exit_code = error.exit_code
        return plain
    return error


def template_frame(error: BaseException) -> tuple[str, int] | None:
    """Where in a template an error arose: Jinja writes template lines into the traceback as
    frames of the template's file (whatever is not a .py file)."""
    frames = traceback.extract_tb(error.__traceback__)
    inside = [frame for frame in frames if not frame.filename.endswith(".py")]
    return (inside[-1].filename, inside[-1].lineno) if inside else None


def _template_place(error: BaseException) -> str:
    frame = template_frame(error)
    return f"模板 {frame[0]} 第 {frame[1]} 行" if frame else ""


def exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)  # runs the finally clauses: temporary files are removed


def end_with(parent: int) -> None:
    """End this process when ``parent`` ends, however it ends. Its own parent: on Linux the
    kernel sends SIGTERM (PR_SET_PDEATHSIG), elsewhere a thread watches. Forked for it by a
    server (``FORKED``): a thread waits on the process itself (a pidfd), since the server
    outlives it while its workers live."""
    if os.getppid() != parent:
        threading.Thread(target=_watch_process, args=(parent,), daemon=True).start()
        return
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before we could watch it
        os._exit(1)


def _watch_process(pid: int) -> None:
    """Exit when process ``pid`` (not our parent) ends: at once with a pidfd (Linux 5.3),
    else within a second."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
        os._exit(1)
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass
        time.sleep(1)


def _die_with_parent() -> bool:
    """Linux: the kernel sends SIGTERM when the parent process exits (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return False
    prctl = getattr(_libc(), "prctl", None)
    return prctl is not None and prctl(1, signal.SIGTERM, 0, 0, 0) == 0  # PR_SET_PDEATHSIG


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
