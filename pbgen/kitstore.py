"""Where a department's kit comes from: a git repository, an archive or a folder, pinned to a
version in ``pbgen.toml`` and kept in a local cache, so that a clerk offline renders with
exactly the kit the bureau published.

Like pre-commit's hook repositories: ``source`` + ``version`` name one kit; a git source is
fetched once at the tag ``v<version>`` (or ``<version>``) into the cache, an archive is
unpacked once, a folder is used in place (a bureau working on its kit, or a copy the department
keeps in its own repository) and must be at the pinned version. Every kit used is also kept in
the cache, so ``pbgen kit update`` can say what changed since.

A kit's repository is others' data, fetched as data: only transports that move data
(``GIT_PROTOCOLS``: never ``ext::``, which runs a command), the source never read as an option,
the tag fetched as ``refs/tags/…`` (a branch of the same name is not the version), no hook run,
no submodule fetched, and the tree looked at before it is checked out: a submodule, or a link
leading out of the kit, refuses the kit.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import platformdirs
from packaging.version import InvalidVersion, Version

from pbgen.findings import visible
from pbgen.jail import check_folder
from pbgen.kit import BUILT_IN, KIT_FILE, Kit, KitError, builtin_kit, over_builtin, read_kit
from pbgen.settings import KitPin, Settings, settings_for, write_kit_pin
from pbgen.unpack import unpack as unpack_archive

ARCHIVES = (".zip", ".tar.gz", ".tgz", ".tar")
GIT_SECONDS = 120
# the transports git may use (GIT_ALLOW_PROTOCOL): those that only move data. http beside https
# and git://: a county's intranet server often has no certificate, and none of them runs code.
GIT_PROTOCOLS = ("https", "http", "ssh", "git", "file")
GIT_SAFELY = (
    "-c", "core.hooksPath=/dev/null",  # no hook runs, wherever it comes from
    "-c", "core.symlinks=true",  # links are checked out as links, once judged (_refuse_tree)
    "-c", "core.fsmonitor=false",
    "-c", "submodule.recurse=false",
    "-c", "protocol.allow=never",  # what GIT_ALLOW_PROTOCOL does not name
)  # fmt: skip


def cache_root() -> Path:
    """``PBGEN_KIT_CACHE``, else the user's cache folder (…/pbgen/kits)."""
    configured = os.environ.get("PBGEN_KIT_CACHE")
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("pbgen")) / "kits"


# -- which kit governs a filing -----------------------------------------------------------------


def kit_for(path: Path | None = None, kit_dir: Path | None = None) -> Kit:
    """The kit for a filing (or folder) at ``path``: ``kit_dir`` when given (``--kit``, a bureau
    trying its kit), else the one its ``pbgen.toml`` pins, else pbgen's own."""
    if kit_dir is not None:
        return _folder_kit(Path(kit_dir).resolve(), f"--kit {kit_dir}")
    settings = settings_for(Path(path)) if path is not None else None
    if settings is None or settings.kit is None:
        return builtin_kit()
    return pinned_kit(settings)


def pinned_kit(settings: Settings) -> Kit:
    file = settings.file
    return _pinned(file, settings.kit, file.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _pinned(file: Path, pin: KitPin, mtime: int) -> Kit:
    where = resolve_source(pin.source, file.parent)
    if isinstance(where, Path) and where.is_dir():
        kit = _folder_kit(where, str(file))
        if Version(kit.version) != Version(pin.version):
            raise KitError(
                f"{file}：kit 文件夹 {where} 现在是 {kit.version} 版，这里固定的是 {pin.version} 版。"
                f"运行 pbgen kit update 改用 {kit.version} 版（会说明改了什么）。"
            )
        _store(where, where, kit.version)  # kept, so that kit update can compare later
        return kit
    folder = cached(where, pin.version) or install(where, pin.version)
    return over_builtin(folder, str(file))


def _folder_kit(folder: Path, origin: str) -> Kit:
    if folder == builtin_kit().folder:
        return builtin_kit()
    refuse_links(folder)
    return over_builtin(folder, origin)


# -- sources --------------------------------------------------------------------------------------


def resolve_source(source: str, base: Path) -> Path | str:
    """Where a kit comes from: a local folder or archive as a ``Path`` (relative to ``base``),
    a git repository as a ``str`` — a URL, or the path of a local bare repository."""
    if source.startswith("-"):
        raise KitError(f"kit 的来源「{visible(source)}」不能以 - 开头。")
    transport = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)(://|::)", source)
    if transport and (transport[2] == "::" or transport[1].lower() not in GIT_PROTOCOLS):
        raise KitError(
            f"kit 的来源「{visible(source)}」用的是 git 的「{transport[0]}」传输方式，pbgen 不用"
            "（ext:: 这类方式会在本机执行命令）：请写 https://、ssh://、git:// 地址，"
            "user@主机:路径，或本地的文件夹、压缩包、git 仓库。"
        )
    if transport or re.match(r"^[\w.-]+@[\w.-]+:", source):
        return source
    path = (base / source).resolve()
    bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
    return str(path) if path.is_dir() and not (path / KIT_FILE).exists() and bare else path


def _slot(where: Path | str, version: str) -> Path:
    key = hashlib.sha256(str(where).encode("utf-8")).hexdigest()[:16]
    return cache_root() / key / version


def cached(where: Path | str, version: str) -> Path | None:
    folder = _slot(where, version)
    return folder if (folder / KIT_FILE).is_file() else None


def install(where: Path | str, version: str | None) -> Path:
    """Fetch a kit at ``version`` (None: the newest a git source has, or whatever an archive or
    folder holds) into the cache; the folder it is kept in."""
    if isinstance(where, str):
        return _install_git(where, version)
    if not where.exists():
        raise KitError(f"找不到 kit：{where}。")
    if where.is_dir():
        kit = _folder_kit(where, str(where))
        _agree(kit, version, where)
        return _store(where, where, kit.version)
    if not where.name.endswith(ARCHIVES):
        raise KitError(f"{where}：不是 kit（应是文件夹、.zip、.tar.gz 压缩包或 git 仓库）。")
    with tempfile.TemporaryDirectory(prefix="pbgen-kit-") as temporary:
        root = unpack(where, Path(temporary) / "kit")
        kit = read_kit(root, str(where))
        _agree(kit, version, where)
        return _store(root, where, kit.version)


def _agree(kit: Kit, version: str | None, where: Path | str) -> None:
    if version is not None and Version(kit.version) != Version(version):
        raise KitError(
            f"{where} 里的 kit 是 {kit.version} 版，不是要的 {version} 版：请向财政局要 {version} "
            f"版，或运行 pbgen kit update 改用 {kit.version} 版。"
        )


def _store(folder: Path, where: Path | str, version: str) -> Path:
    """Copy a kit into the cache (atomically: a half-copied kit is never found)."""
    target = _slot(where, version)
    if (target / KIT_FILE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".incoming-", dir=target.parent))
    try:
        shutil.copytree(
            folder, temporary, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git")
        )
        (temporary / ".source").write_text(f"{where}\n", encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not (target / KIT_FILE).is_file():
            raise
    return target


# -- git ------------------------------------------------------------------------------------------


def _git(*arguments: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *GIT_SAFELY, *arguments],
            capture_output=True,
            text=True,
            timeout=GIT_SECONDS,
            cwd=cwd,
            env={
                **os.environ,
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_ALLOW_PROTOCOL": ":".join(GIT_PROTOCOLS),
            },
        )
    except FileNotFoundError:
        raise KitError("要从 git 仓库取 kit，需要先安装 git。") from None
    except subprocess.TimeoutExpired:
        raise KitError(
            f"git {arguments[0]} 超过 {GIT_SECONDS} 秒没有完成：请检查网络或仓库地址。"
        ) from None
    if done.returncode != 0:
        raise KitError(f"git {arguments[0]} 失败：{visible(done.stderr.strip())}")
    return done.stdout


def versions(source: str) -> dict[Version, str]:
    """The versions a git source offers: its tags v1.2 / 1.2, by version."""
    found: dict[Version, str] = {}
    for line in _git("ls-remote", "--tags", "--refs", "--end-of-options", source).splitlines():
        tag = line.rpartition("refs/tags/")[2]
        try:
            found.setdefault(Version(tag.removeprefix("v")), tag)
        except InvalidVersion:
            continue
    return found


def newest(source: str) -> str:
    offered = versions(source)
    if not offered:
        raise KitError(
            f"{source} 没有版本标签（v1.0、2025.1 这样的 git tag）：请财政局先发布一个版本。"
        )
    return str(max(offered))


def _install_git(source: str, version: str | None) -> Path:
    offered = versions(source)
    wanted = Version(version) if version else (max(offered) if offered else None)
    if wanted is None or wanted not in offered:
        have = "、".join(str(v) for v in sorted(offered)) or "无"
        raise KitError(f"{source} 没有 {version} 版（有：{have}）。")
    folder = cached(source, str(wanted))
    if folder is not None:
        return folder
    with tempfile.TemporaryDirectory(prefix="pbgen-kit-") as temporary:
        checkout = Path(temporary) / "kit"
        _git("init", "--quiet", "--end-of-options", str(checkout))
        _git("fetch", "--quiet", "--depth", "1", "--no-tags", "--no-recurse-submodules",
             "--end-of-options", source, f"refs/tags/{offered[wanted]}", cwd=checkout)  # fmt: skip
        _refuse_tree(checkout, f"{visible(source)} 的 {offered[wanted]} 版")
        _git("checkout", "--quiet", "--detach", "FETCH_HEAD", cwd=checkout)
        shutil.rmtree(checkout / ".git", ignore_errors=True)
        refuse_links(checkout)
        kit = read_kit(checkout, source)
        _agree(kit, str(wanted), source)
        return _store(checkout, source, kit.version)


def _refuse_tree(checkout: Path, what: str) -> None:
    """Before anything is checked out: no submodule (it would fetch from elsewhere), no link
    whose target leads out of the kit (a template could print any file through it)."""
    listing = _git("ls-tree", "-r", "-z", "--full-tree", "FETCH_HEAD", cwd=checkout)
    for entry in filter(None, listing.split("\0")):
        meta, _, path = entry.partition("\t")
        mode, _, blob = meta.split(" ")
        if mode == "160000":
            raise KitError(
                f"{what}里，{visible(path)} 是 git 子模块：pbgen 不取子模块（它从另一个地址取文件）。"
                "请财政局把其中的文件直接放进 kit 的仓库。"
            )
        if mode == "120000":
            target = _git("cat-file", "blob", blob, cwd=checkout)
            reached = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if posixpath.isabs(target) or reached == ".." or reached.startswith("../"):
                raise KitError(
                    f"{what}里，{visible(path)} 是指向 kit 之外（{visible(target)}）的链接："
                    "模板可能借它读出本机的任何文件，pbgen 不取这样的 kit。"
                    "请财政局把链接换成文件本身。"
                )


# -- archives and links ---------------------------------------------------------------------------


def refuse_links(folder: Path) -> Path:
    """A kit is a jail: no link in it may lead outside it (a template could print any file of
    the machine through one), no loop, no device (``pbgen.jail``)."""
    return check_folder(folder)


def unpack(archive: Path, into: Path) -> Path:
    """A kit archive unpacked into the new folder ``into`` (``pbgen.unpack``: no absolute
    path, ``..``, link, hard link or device; bounded in members and bytes as it inflates):
    the folder holding kit.yaml, at the top or as the archive's one folder."""
    unpack_archive(archive, into)
    if (into / KIT_FILE).is_file():
        return into
    inside = [path for path in into.iterdir() if path.is_dir()]
    if len(inside) == 1 and (inside[0] / KIT_FILE).is_file():
        return inside[0]
    raise KitError(f"{archive}：压缩包里没有 {KIT_FILE}（应在最上层，或唯一的文件夹里）。")


# -- pinning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pinned:
    settings: Path
    old: Kit | None  # the kit pinned before, when there was one and it could be read
    new: Kit


def use(source: str, version: str | None, folder: Path) -> Pinned:
    """Pin the department in ``folder`` (the ``pbgen.toml`` governing it, made there when there
    is none) to ``source`` at ``version`` (default: the newest a git source has, or what an
    archive or folder holds). A local ``source`` is relative to the current folder."""
    found = settings_for(folder)
    file = found.file if found else Path(folder) / "pbgen.toml"
    old = _current(found) if found and found.kit else None
    where = resolve_source(source, Path.cwd())
    new = over_builtin(install(where, version), str(file))
    write_kit_pin(file, KitPin(_as_written(where, file.parent), new.version))
    _pinned.cache_clear()
    return Pinned(file, old, new)


def update(folder: Path, to: str | None = None, source: str | None = None) -> Pinned:
    """Move the department's pin to version ``to`` (default: the newest its git source offers,
    or what its folder or archive now holds), optionally from a new ``source``."""
    found = settings_for(folder)
    if found is None or found.kit is None:
        raise KitError(
            f"{folder}：没有在用的 kit（pbgen.toml 里没有 [kit]）：先运行 pbgen kit use 来源。"
        )
    old = _current(found)
    where = (
        resolve_source(source, Path.cwd())
        if source
        else resolve_source(found.kit.source, found.file.parent)
    )
    if to is None and isinstance(where, str):
        to = newest(where)
    new = over_builtin(install(where, to), str(found.file))
    write_kit_pin(found.file, KitPin(_as_written(where, found.file.parent), new.version))
    _pinned.cache_clear()
    return Pinned(found.file, old, new)


def _current(settings: Settings) -> Kit | None:
    """The kit pinned now; the copy kept in the cache when its folder has moved on."""
    try:
        return pinned_kit(settings)
    except KitError:
        where = resolve_source(settings.kit.source, settings.file.parent)
        kept = cached(where, settings.kit.version)
        return over_builtin(kept, str(settings.file)) if kept else None


def _as_written(where: Path | str, base: Path) -> str:
    """A URL as it is; a local path relative to pbgen.toml's folder, with / (works on Windows)."""
    if isinstance(where, str) and not Path(where).is_absolute():
        return where
    try:
        return os.path.relpath(where, base.resolve()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return str(where)


__all__ = ["BUILT_IN", "Pinned", "cache_root", "install", "kit_for", "unpack", "update", "use"]
