"""Atomic writes: complete or absent."""

import os

import pytest

from pbgen.write import OutputError, write_all, write_atomic


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


# -- all or nothing; faults become messages -------------------------------------------------------


def test_files_are_written_together_or_not_at_all(tmp_path):
    (tmp_path / "a.docx").write_bytes(b"old a")
    (tmp_path / "b.pdf").mkdir()  # the second cannot be written
    with pytest.raises(OutputError) as caught:
        write_all({tmp_path / "a.docx": b"new a", tmp_path / "b.pdf": b"new b"})
    assert "b.pdf" in str(caught.value) and "文件夹" in str(caught.value)
    assert (tmp_path / "a.docx").read_bytes() == b"old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.pdf"]


def test_output_folder_that_is_a_file(tmp_path):
    (tmp_path / "out").write_text("a file")
    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path / "out" / "a.pdf", b"x")
    assert "是文件而不是文件夹" in str(caught.value) and "-o" in str(caught.value)


@pytest.mark.skipif(os.geteuid() != 0, reason="becomes another user for a moment")
def test_no_permission_is_a_message(tmp_path):
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    os.seteuid(65534)  # root may write anywhere; an ordinary user may not
    try:
        with pytest.raises(OutputError) as caught:
            write_all({out / "a.docx": b"x", out / "a.pdf": b"y"})
    finally:
        os.seteuid(0)
    assert "没有写入权限" in str(caught.value) and "a.docx" in str(caught.value)
    assert list(out.iterdir()) == []
