"""A kit archive (.zip, .tar.gz) unpacked as data that others wrote: nothing lands outside
the folder it is unpacked into, nothing is a link, and it ends.

Python's own extractors trust the archive: a name may be absolute or climb out with ``..``, a
member may be a symlink or a hard link to any file, a device, or a few kilobytes that inflate
to gigabytes. Here every member is judged before anything is written: only folders and regular
files with plain relative names; their count and their inflated size are bounded, the size as
it is written (the sizes an archive declares may lie). Files are written with ordinary
permissions (no set-uid, no executable bit), into a new folder beside the target that becomes
the target only once all went well: a refused archive leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from pbgen.errors import PbgenError
from pbgen.findings import visible

MAX_MEMBERS = 10_000
MAX_BYTES = 200 * 1024 * 1024  # inflated; a kit (templates, fonts, examples) is a few MB
COPY_CHUNK = 1 << 16


@dataclass(frozen=True)
class Member:
    """One entry of an archive as pbgen judges it."""

    name: str  # as written in the archive
    kind: str  # "file", "folder", or what else it is (refused)
    open: Callable[[], IO[bytes]]  # its content, for a file


class ArchiveError(PbgenError):
    """An archive that is not unpacked, and why."""


def unpack(
    archive: Path, destination: Path, *, max_members: int = MAX_MEMBERS, max_bytes: int = MAX_BYTES
) -> list[Path]:
    """Unpack the .zip or .tar(.gz) ``archive`` into the new folder ``destination`` (which must
    not exist); return the files written, in archive order. Raises ``ArchiveError`` — and leaves
    nothing — for an absolute name, a ``..``, a link of any kind, a device or pipe, two members
    of one name (as Windows and macOS compare names), more than ``max_members`` members or more
    than ``max_bytes`` once inflated."""
    archive, destination = Path(archive), Path(destination)
    if os.path.lexists(destination):
        raise ArchiveError(f"{destination} 已经存在：请换一个文件夹，或先删除它。")
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    try:
        written = _unpack_into(archive, staging, max_members, max_bytes)
        staging.rename(destination)
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ArchiveError(f"{archive}：压缩包已损坏，无法读取（{error}），没有解压。") from None
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ArchiveError(
            f"{archive}：无法解压到 {destination}（{error.strerror or error}），没有解压。"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [destination / path for path in written]


def _unpack_into(archive: Path, folder: Path, max_members: int, max_bytes: int) -> list[Path]:
    written: list[Path] = []
    seen: set[str] = set()
    total = 0
    with closing(_members(archive)) as members:
        for count, member in enumerate(members, 1):
            if count > max_members:
                raise ArchiveError(
                    f"{archive}：成员超过 {max_members} 个，不像一个模板包，没有解压。"
                )
            relative = _safe_name(archive, member)
            if not relative.parts:  # "./", the archive's own top folder
                continue
            key = relative.as_posix().casefold()
            if key in seen:
                raise ArchiveError(
                    f"{archive}：「{member.name}」出现了不止一次（不分大小写比较），没有解压。"
                )
            seen.add(key)
            target = folder / relative
            if member.kind == "folder":
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with member.open() as source, open(target, "xb") as output:
                while chunk := source.read(COPY_CHUNK):
                    total += len(chunk)
                    if total > max_bytes:
                        raise ArchiveError(
                            f"{archive}：解压后超过 {max_bytes // 1024 // 1024} MB，"
                            "不像一个模板包（可能是压缩炸弹），没有解压。"
                        )
                    output.write(chunk)
            written.append(relative)
    return written


def _members(archive: Path) -> Iterator[Member]:
    """The archive's members, read one at a time (a tar is never listed whole first)."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as package:
            for info in package.infolist():
                yield Member(info.filename, _zip_kind(info), _opener(package.open, info))
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive, "r:*") as tar:
            for info in tar:
                yield Member(info.name, _tar_kind(info), _opener(tar.extractfile, info))
    else:
        raise ArchiveError(f"{archive}：不是 zip 或 tar.gz 压缩包，没有解压。")


def _opener(open_member, info):
    def opened() -> IO[bytes]:
        stream = open_member(info)
        if stream is None:  # tarfile: not a regular file (never asked: judged first)
            raise ArchiveError(f"「{info.name}」不是普通文件。")
        return stream

    return opened


def _zip_kind(info: zipfile.ZipInfo) -> str:
    """A zip member made on Unix carries its file type in the high bits of external_attr."""
    kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: no type recorded, a plain member
        return "link" if kind == stat.S_IFLNK else "special"
    return "folder" if info.is_dir() else "file"


def _tar_kind(info: tarfile.TarInfo) -> str:
    if info.isdir():
        return "folder"
    if info.isfile():
        return "file"
    if info.issym():
        return "link"
    if info.islnk():
        return "hard link"
    return "special"


KINDS = {
    "link": "符号链接",
    "hard link": "硬链接",
    "special": "设备、管道或其他特殊文件",
}


def _safe_name(archive: Path, member: Member) -> Path:
    """The member's path inside the destination; refused when it is not a plain relative
    name of a file or folder."""
    name = visible(member.name)
    if member.kind in KINDS:
        raise ArchiveError(
            f"{archive}：「{name}」是{KINDS[member.kind]}，模板包里只能有普通文件和文件夹，"
            "没有解压。请检查这个模板包的来源。"
        )
    if name != member.name:
        raise ArchiveError(f"{archive}：成员「{name}」的名字里有控制字符，没有解压。")
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if posix.startswith("/") or any(":" in part for part in parts) or ".." in parts:
        raise ArchiveError(  # /etc/…, C:\…, C:…, ../…, and Windows' file:stream
            f"{archive}：成员「{name}」的路径是绝对路径或指向上级文件夹（..），会写到"
            "解压的文件夹以外，没有解压。请检查这个模板包的来源。"
        )
    relative = Path(*[part for part in parts if part != "."])
    if not relative.parts and member.kind != "folder":
        raise ArchiveError(f"{archive}：有一个成员没有文件名，没有解压。")
    return relative
