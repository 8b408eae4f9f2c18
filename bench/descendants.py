"""A benchmark's CPU figure counts every process pbgen starts, however deep: the render
workers are children of multiprocessing's fork server, which pbgen does not wait for, so their
time never reaches pbgen's own resource usage. Made a subreaper, the benchmark adopts what is
left when pbgen ends, and waits for it: then ``RUSAGE_CHILDREN`` holds all of it (Linux)."""

from __future__ import annotations

import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36


def adopt_descendants() -> None:
    """Orphans of the processes this one starts become its children (Linux; elsewhere no-op)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_descendants() -> None:
    """Wait for every adopted process to end, so that its time is counted."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
