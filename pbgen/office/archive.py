"""An Office package (a zip archive) opened within bounds: the number of parts, and the bytes
each part and all of them really inflate to — never the sizes the archive claims."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from pbgen.office.limits import Limits, UnreadableDocument

CHUNK = 1 << 20


class Archive:
    def __init__(self, path: Path, shown: Path, limits: Limits, kind: str):
        self.shown, self.limits, self.kind = shown, limits, kind
        self.read_bytes = 0
        try:
            self.zip = zipfile.ZipFile(path)
            self.infos = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise self.broken("（可能已损坏、设了打开密码，或只是改了扩展名）") from None
        if len(self.infos) > limits.parts:
            raise UnreadableDocument(
                shown,
                f"文件里有 {len(self.infos)} 个部件，超过上限 {limits.parts}：不像是正常的 {kind}。",
            )

    def broken(self, why: str) -> UnreadableDocument:
        return UnreadableDocument(self.shown, f"不是有效的 {self.kind} 文件{why}。")

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        """The part ``name`` inflated, at most ``part_bytes`` (and ``total_bytes`` with the
        parts read before); a part that is damaged or too large is an ``UnreadableDocument``."""
        info = self.infos.get(name)
        if info is None:
            raise self.broken(f"（缺少 {name}）")
        limit = min(self.limits.part_bytes, self.limits.total_bytes - self.read_bytes)
        too_large = UnreadableDocument(
            self.shown,
            f"部件 {name} 解压后超过 {limit >> 20} MB（文件只有 "
            f"{self.shown.stat().st_size / 2**20:.1f} MB）：可能是压缩炸弹，已停止读取。",
        )
        if info.file_size > limit:
            raise too_large
        chunks, size = [], 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise too_large
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise self.broken(f"：部件 {name} 已损坏，无法解压") from None
        except (NotImplementedError, RuntimeError):  # an unknown compression, a password
            raise self.broken(f"：部件 {name} 用了无法读取的压缩或加密方式") from None
        self.read_bytes += size
        return b"".join(chunks)
