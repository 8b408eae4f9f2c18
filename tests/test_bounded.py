"""The bounded worker: a job is ended at its time limit, fails at its memory cap, stops when
the caller cancels it, and ends with the process that started it. Every job runs in the worker,
a process of its own: nothing here can hang the test run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pbgen import bounded
from pbgen.errors import InputError, PbgenError
from pbgen.findings import Finding

QUICK = bounded.Limits(5, 512 * 2**20)


def forever() -> None:
    while True:
        pass


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def environment(name: str) -> str | None:
    return os.environ.get(name)


def refuse(kind: str) -> None:
    if kind == "plain":
        raise PbgenError("这是给用户的话。")
    if kind == "findings":  # its __init__ takes findings: it cannot be rebuilt from its message
        raise InputError([Finding("a.yaml", 1, 1, "yaml", "error", "", "读不懂。")])
    raise KeyError(kind)  # a fault of pbgen


def own_pid() -> int:
    return os.getpid()


def test_a_job_past_its_time_is_ended_and_the_worker_replaced():
    worker = bounded.Worker()
    start = time.monotonic()
    with pytest.raises(bounded.Exceeded, match="模板（甲）在 1 秒的时限内没有完成"):
        worker.run(forever, limits=bounded.Limits(1), what="模板（甲）")
    assert time.monotonic() - start < 1 + bounded.STOP_GRACE + 5
    assert worker.run(allocate, 1, limits=QUICK, what="乙") == 2**20  # a new worker
    worker.close()


def test_a_job_past_its_memory_fails_there_and_the_machine_keeps_its_memory():
    worker = bounded.Worker()
    with pytest.raises(bounded.Exceeded, match=r"用尽了 0\.5 GB 的内存上限"):
        worker.run(allocate, 4096, limits=QUICK, what="甲")
    assert worker.run(allocate, 64, limits=QUICK, what="乙") == 64 * 2**20
    worker.close()


def test_a_cancelled_job_stops_at_once():
    worker = bounded.Worker()
    asked = time.monotonic() + 0.5
    with pytest.raises(bounded.Cancelled):
        worker.run(
            forever,
            limits=bounded.Limits(60),
            what="甲",
            cancelled=lambda: time.monotonic() > asked,
        )
    assert time.monotonic() - asked < bounded.STOP_GRACE + 2
    worker.close()


def test_errors_arrive_as_the_user_should_read_them():
    """A user's mistake (a PbgenError) arrives as its message and the worker stays, warm; a
    fault of pbgen arrives with the worker's traceback."""
    worker = bounded.Worker()
    first = worker.run(own_pid, limits=QUICK, what="甲")
    with pytest.raises(PbgenError, match="这是给用户的话"):
        worker.run(refuse, "plain", limits=QUICK, what="甲")
    with pytest.raises(PbgenError, match="读不懂"):
        worker.run(refuse, "findings", limits=QUICK, what="甲")
    with pytest.raises(bounded.RemoteFault, match="KeyError: 'fault'"):
        worker.run(refuse, "fault", limits=QUICK, what="甲")
    assert worker.run(own_pid, limits=QUICK, what="甲") == first != os.getpid()
    worker.close()


def test_the_job_sees_this_process_environment_as_it_is_now(monkeypatch):
    worker = bounded.Worker()
    worker.run(own_pid, limits=QUICK, what="甲")  # started before the variable was set
    monkeypatch.setenv("PBGEN_BOUNDED_TEST", "值")
    assert worker.run(environment, "PBGEN_BOUNDED_TEST", limits=QUICK, what="甲") == "值"
    worker.close()


def test_a_worker_that_dies_is_a_message():
    worker = bounded.Worker()
    pid = worker.run(own_pid, limits=QUICK, what="甲")
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert worker.run(own_pid, limits=QUICK, what="甲") != pid  # replaced before the next job
    with pytest.raises(bounded.Exceeded, match=r"意外终止（信号 SIGKILL）"):
        worker.run(os.kill, worker.run(own_pid, limits=QUICK, what="甲"), signal.SIGKILL,
                   limits=QUICK, what="甲")  # fmt: skip
    worker.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="looks in /proc")
def test_the_worker_ends_with_the_process_that_started_it(tmp_path):
    """A parent killed with SIGKILL (no clean-up of its own) takes its worker with it."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pbgen import bounded
        import test_bounded
        print(bounded.run(test_bounded.own_pid, limits=test_bounded.QUICK, what="甲"), flush=True)
        bounded.run(test_bounded.forever, limits=bounded.Limits(600), what="甲")
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    assert Path(f"/proc/{worker}").exists()
    parent.kill()
    parent.wait(10)
    for _ in range(50):
        if not Path(f"/proc/{worker}").exists():
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{worker}").exists()


def test_limits_grow_with_the_filing_and_can_be_set(monkeypatch):
    monkeypatch.delenv(bounded.TIME_LIMIT_VARIABLE, raising=False)
    assert bounded.limits_for(0).seconds == bounded.BASE_SECONDS
    assert (
        bounded.limits_for(2 * 2**20).seconds == bounded.BASE_SECONDS + 2 * bounded.SECONDS_PER_MB
    )
    monkeypatch.setenv(bounded.TIME_LIMIT_VARIABLE, "7")
    assert bounded.limits_for(50 * 2**20).seconds == 7
    monkeypatch.setenv(bounded.TIME_LIMIT_VARIABLE, "十分钟")
    with pytest.raises(PbgenError, match="应是秒数"):
        bounded.limits_for(0)
