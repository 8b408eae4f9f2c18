"""Write outputs atomically: a file is either complete or not there at all, and a filing's
files (DOCX, PDF, XLSX and its stamp) change together or not at all.

Every failure of the file system (a full disk, no permission, an output folder that is a file)
becomes an ``OutputError`` naming the path and what to do, never a traceback.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from pbgen.errors import PbgenError


class OutputError(PbgenError):
    """An output could not be written; nothing of the filing's outputs was changed."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path | str, data: bytes) -> None:
    """One file, complete or unchanged."""
    write_all({Path(path): data})


def append_missing_lines(path: Path, lines: list[str]) -> bool:
    """Add to a text file (.gitignore, .gitattributes) the lines it lacks, keeping what is
    there; False when nothing was missing."""
    existing = path.read_text("utf-8") if path.exists() else ""
    missing = [line for line in lines if line not in existing.splitlines()]
    if not missing:
        return False
    text = existing + ("" if not existing or existing.endswith("\n") else "\n")
    write_atomic(path, (text + "\n".join(missing) + "\n").encode("utf-8"))
    return True


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file, or change none: each goes to a temporary file beside its target
    (flushed to disk, so a full disk shows here), then all are renamed into place. Should a
    rename fail, the ones already renamed get their old files back."""
    temporaries: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            temporaries[path] = _write_temporary(Path(path), data)
        _replace_all(temporaries)
    except OSError as error:
        raise OutputError(explain(error)) from None
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)


def _write_temporary(path: Path, data: bytes) -> Path:
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            error.filename = str(path)  # the file the user knows, not the temporary
        raise
    return temporary


def _replace_all(temporaries: dict[Path, Path]) -> None:
    """Rename each temporary onto its target; on a failure put back what was replaced (old
    files are kept under a hard link until every rename succeeded)."""
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for path in temporaries:
            if path.is_file() and len(temporaries) > 1:
                backup = path.with_name(f".{path.name}.old")
                backup.unlink(missing_ok=True)
                try:
                    os.link(path, backup)
                    backups[path] = backup
                except OSError:  # no hard links here (FAT): no undo for this file
                    pass
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
            done.append(path)
    except BaseException:
        for path in done:
            if path in backups:
                os.replace(backups.pop(path), path)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for backup in backups.values():
            backup.unlink(missing_ok=True)


REASONS = {
    errno.ENOSPC: ("磁盘已满", "请腾出空间后重新生成"),
    errno.EDQUOT: ("超出磁盘配额", "请腾出空间后重新生成"),
    errno.EACCES: ("没有写入权限", "请换一个输出文件夹（-o），或请管理员开放权限"),
    errno.EPERM: ("没有写入权限", "请换一个输出文件夹（-o），或请管理员开放权限"),
    errno.EROFS: ("所在的磁盘只读", "请换一个输出文件夹（-o）"),
    errno.ENOTDIR: (
        "路径中有一段是文件而不是文件夹",
        "请改名或删去那个文件，或换一个输出文件夹（-o）",
    ),
    errno.EEXIST: (
        "路径中有一段是文件而不是文件夹",
        "请改名或删去那个文件，或换一个输出文件夹（-o）",
    ),
    errno.EISDIR: (
        "这是一个文件夹，不能写成文件",
        "请改名或移走这个文件夹，或换一个输出文件夹（-o）",
    ),
    errno.ENAMETOOLONG: ("路径太长", "请缩短文件名或输出文件夹的路径"),
}


def explain(error: OSError) -> str:
    """An operating-system error as the user should read it: what, where, what to do."""
    where = error.filename or ""
    reason, advice = REASONS.get(error.errno, (error.strerror or str(error), "请检查输出文件夹"))
    return f"{where}：无法写入（{reason}），{advice}。此文件的输出都未改动。"
