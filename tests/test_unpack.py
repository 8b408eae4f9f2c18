"""A kit archive is unpacked as data others wrote: only plain files and folders, inside the
destination, bounded in count and size, all or nothing. Each archive is unpacked in the bounded
worker (a process of its own, ended after a minute): a bomb must not hang CI."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from functools import partial
from pathlib import Path

import pytest

from pbgen import bounded
from pbgen.unpack import ArchiveError, unpack

KIT = {"kit/kit.yaml": b"id: hubei\n", "kit/layouts/a/style.css": b"p {}\n"}


def bounded_unpack(archive: Path, destination: Path, max_members: int = 10_000) -> list[Path]:
    job = partial(unpack, max_members=max_members, max_bytes=2**20)
    return bounded.run(job, archive, destination, limits=bounded.Limits(60), what="解压")


def zip_of(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            package.writestr(info, target)
    return path


def tar_of(path: Path, members: dict[str, bytes], special: list[tarfile.TarInfo] = ()) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o4755  # set-uid: never kept
            tar.addfile(info, io.BytesIO(data))
        for info in special:
            tar.addfile(info)
    return path


def special(name: str, kind: bytes, target: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize("make", [zip_of, tar_of])
def test_a_kit_is_unpacked_whole_with_plain_permissions(tmp_path, make):
    archive = make(tmp_path / "kit.archive", KIT)
    written = bounded_unpack(archive, tmp_path / "out")
    assert [path.relative_to(tmp_path / "out").as_posix() for path in written] == list(KIT)
    for name, data in KIT.items():
        path = tmp_path / "out" / name
        assert path.read_bytes() == data
        assert not path.stat().st_mode & (stat.S_ISUID | stat.S_IXUSR)


HOSTILE = {
    "absolute": ({"/tmp/pbgen-evil": b"x"}, "绝对路径"),
    "parent": ({"kit/../../evil": b"x"}, "上级文件夹"),
    "windows drive": ({"C:\\evil": b"x"}, "绝对路径"),
    "backslash parent": ({"kit\\..\\..\\evil": b"x"}, "上级文件夹"),
    "twice": ({"kit/A.css": b"x", "kit/a.css": b"y"}, "不止一次"),
    "control": ({"kit/\x1b[31mred": b"x"}, "控制字符"),
}


@pytest.mark.parametrize("make", [zip_of, tar_of])
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_name_that_leaves_the_folder_is_refused_and_nothing_is_left(tmp_path, make, case):
    members, said = HOSTILE[case]
    archive = make(tmp_path / "kit.archive", {**KIT, **members})
    with pytest.raises(ArchiveError, match=said):
        bounded_unpack(archive, tmp_path / "out" / "kit")
    assert list((tmp_path / "out").iterdir()) == []  # not even the staging folder
    assert not Path("/tmp/pbgen-evil").exists() and not (tmp_path / "evil").exists()


def test_a_symlink_in_a_zip_is_refused(tmp_path):
    archive = zip_of(tmp_path / "kit.zip", KIT, links={"kit/common": "/home"})
    with pytest.raises(ArchiveError, match="符号链接"):
        bounded_unpack(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (special("kit/common", tarfile.SYMTYPE, "/home"), "符号链接"),
        (special("kit/passwd", tarfile.LNKTYPE, "/etc/passwd"), "硬链接"),
        (special("kit/null", tarfile.CHRTYPE), "特殊文件"),
        (special("kit/pipe", tarfile.FIFOTYPE), "特殊文件"),
    ],
)
def test_links_and_devices_in_a_tar_are_refused(tmp_path, entry, said):
    archive = tar_of(tmp_path / "kit.tar.gz", KIT, [entry])
    with pytest.raises(ArchiveError, match=said):
        bounded_unpack(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("make", [zip_of, tar_of])
def test_a_bomb_is_stopped_at_the_size_limit_as_it_inflates(tmp_path, make):
    """64 MB of zeros, a few kilobytes packed, against a 1 MB limit."""
    archive = make(tmp_path / "bomb.archive", {"kit/zeros": bytes(64 * 2**20)})
    assert archive.stat().st_size < 2**20
    with pytest.raises(ArchiveError, match="超过 1 MB"):
        bounded_unpack(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_too_many_members_are_refused(tmp_path):
    archive = zip_of(tmp_path / "kit.zip", {f"kit/{n}.css": b"" for n in range(101)})
    with pytest.raises(ArchiveError, match="超过 100 个"):
        bounded_unpack(archive, tmp_path / "out", max_members=100)


def test_not_an_archive_and_an_existing_destination_are_messages(tmp_path):
    (tmp_path / "kit.zip").write_bytes(b"not an archive")
    with pytest.raises(ArchiveError, match=r"不是 zip 或 tar\.gz"):
        unpack(tmp_path / "kit.zip", tmp_path / "out")
    (tmp_path / "existing").mkdir()
    archive = zip_of(tmp_path / "good.zip", KIT)
    with pytest.raises(ArchiveError, match="已经存在"):
        unpack(archive, tmp_path / "existing")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(tar_of(tmp_path / "whole.tar.gz", KIT).read_bytes()[:60])
    with pytest.raises(ArchiveError):
        unpack(truncated, tmp_path / "out")
    assert not os.path.lexists(tmp_path / "out")
