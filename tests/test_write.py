"""Atomic writes: complete or absent."""

import pytest

from pbgen.write import write_atomic


def test_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out" / "a.bin"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["a.bin"]


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_written_file_gets_ordinary_permissions(tmp_path):
    target = tmp_path / "a.bin"
    write_atomic(target, b"x")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_current_umask()


def _current_umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
