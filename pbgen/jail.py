"""A layout folder, or a kit's, is a jail: every file it reads resolves inside it.

Layouts and kits are published by others and used as they are cloned or unpacked. A symlink
is how one of their files can be any other file: ``forms/common -> ~/.ssh`` would print a key
into the PDF of a plain ``pbgen render``. So before a folder's files are read, every entry in
it is looked at without following links: a symlink must resolve inside the folders the layout
may read (its own, the shared ``common/`` beside it, pbgen's own templates), and every other
entry must be a folder or a regular file (a named pipe would hang the render, a device never
end it). Reading checks again (``inside``), so a file swapped after the look is refused too.

Hard links are not judged: installers (uv) hard-link the files of installed wheels, git never
makes one, and the archive unpacker (``pbgen.unpack``) refuses them in a kit.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.resources import templates_dir

SHARED = "common"  # the folder beside the layouts that they all may read
MAX_ENTRIES = 10_000  # files and folders in one checked folder; pbgen's own templates: ~30
ADVICE = "请检查这个版式（模板包）的来源；需要别处的文件时，把它复制进来，不要用链接。"


class OutsideFolder(PbgenError):
    """A layout or kit folder holding an entry that leads out of it, or is no plain file."""


def real(path: Path) -> Path:
    """``path`` with every symlink resolved; a loop of links is refused, not a traceback."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):  # Python 3.11: RuntimeError("Symlink loop from …")
        raise OutsideFolder(
            f"{path} 是循环的符号链接（最终指向自己），无法读取，已拒绝。{ADVICE}"
        ) from None


def inside(path: Path, roots: Sequence[Path]) -> Path:
    """The real path of ``path``, refused unless it lies in one of the (real) ``roots``."""
    target = real(path)
    if not any(target.is_relative_to(root) for root in roots):
        raise OutsideFolder(
            f"{path} 指向 {target}，在允许读取的文件夹（{'、'.join(map(str, roots))}）之外，"
            f"已拒绝：版式只能读取自己文件夹里的文件。{ADVICE}"
        )
    return target


def check_folder(folder: Path, may_read: Sequence[Path] = ()) -> Path:
    """Refuse ``folder`` unless every entry under it (links not followed) is a folder, a
    regular file, or a symlink resolving inside ``folder`` or one of ``may_read``; at most
    ``MAX_ENTRIES`` entries. Returns the folder's real path.

    This is the check for any folder a kit or layout brings: ``check_folder(kit)`` for a kit,
    ``layout_roots`` for a layout (its folder and its ``common/``)."""
    root = real(folder)
    roots = [root, *(real(path) for path in may_read)]
    count = 0
    for parent, folders, files in os.walk(root, followlinks=False):
        for name in folders + files:
            count += 1
            if count > MAX_ENTRIES:
                raise OutsideFolder(
                    f"{folder} 里有超过 {MAX_ENTRIES} 个文件和文件夹，不像一个版式或模板包，已拒绝。"
                )
            entry = Path(parent, name)
            mode = os.lstat(entry).st_mode
            if stat.S_ISLNK(mode):
                inside(entry, roots)
            elif not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                raise OutsideFolder(
                    f"{entry} 是设备、管道或其他特殊文件，不是普通文件，已拒绝：版式文件夹里"
                    f"只能有普通文件和文件夹。{ADVICE}"
                )
    return root


def layout_roots(folder: Path) -> tuple[Path, Path]:
    """The only folders a layout's templates may read, checked (``check_folder``): its own,
    and ``common/`` beside it — pbgen's own for a layout without one. A ``common/`` that is a
    symlink leading out of the folder it stands in is refused; links inside either folder may
    lead into the other, or into pbgen's templates."""
    builtin = real(templates_dir())
    common = Path(folder).parent / SHARED
    shared = builtin / SHARED
    if os.path.lexists(common) and inside(common, [real(common.parent)]).is_dir():
        shared = real(common)
    own = check_folder(folder, [shared, builtin])
    check_folder(shared, [own, builtin])
    return own, shared
