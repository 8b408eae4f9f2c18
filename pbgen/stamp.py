"""What a filing's outputs were made from, so that "up to date" means it.

Beside the outputs, ``<-o>/.pbgen/<name>.json`` records the filing (its path and the hash of
its bytes), the layout, the formats, the hash of the template files, pbgen's version and the
hash of its code, ``SOURCE_DATE_EPOCH``, and the hash of every output. Outputs are up to date
only when all of that still holds: modification times are never trusted (a copied folder, a
clock, an older ``--template-dir`` would fool them).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from pbgen import __version__

STAMP_FOLDER = ".pbgen"
PACKAGE = Path(__file__).resolve().parent


def stamp_path(output_dir: Path, name: Path) -> Path:
    return Path(output_dir) / STAMP_FOLDER / f"{name.as_posix()}.json"


def _digest(paths: list[Path], root: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0")
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


def _files(folder: Path) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")
    ]


@cache
def code_digest() -> str:
    """pbgen's own code and data (rules, frameworks): a changed pbgen renders anew."""
    return _digest(_files(PACKAGE), PACKAGE)


def templates_digest(folders: tuple[Path, ...]) -> str:
    """Every file a layout's templates may read."""
    return hashlib.sha256(
        "".join(_digest(_files(folder), folder) for folder in folders if folder.is_dir()).encode()
    ).hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_key(
    source: Path,
    layout: str,
    formats: list[str],
    templates: tuple[Path, ...],
    kit: dict[str, str] | None = None,
    pdfa: bool = False,
) -> dict:
    """Everything that makes the outputs what they are; ``kit`` is each kit's id and version
    (pbgen's own, then the bureau's): the kit's rules judge the filing, its layouts print it;
    ``pdfa``: the PDF in PDF/A-2b, asked for by the command (a manifest's is in its file)."""
    return {
        "filing": str(Path(source).resolve()),
        "filing_sha256": file_digest(source),
        "kit": kit or {},
        "layout": layout,
        "pdfa": pdfa,
        "formats": sorted(formats),
        "templates_sha256": templates_digest(templates),
        "pbgen": __version__,
        "pbgen_sha256": code_digest(),
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
    }


def stamp_bytes(key: dict, outputs: dict[Path, bytes]) -> bytes:
    record = {
        **key,
        "outputs": {path.name: hashlib.sha256(data).hexdigest() for path, data in outputs.items()},
    }
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def up_to_date(stamp: Path, key: dict, targets: list[Path]) -> bool:
    """The stamp was made from exactly ``key`` and every output is still the one it wrote."""
    try:
        record = json.loads(stamp.read_text(encoding="utf-8"))
        outputs = record.pop("outputs")
        return (
            record == key
            and sorted(outputs) == sorted(target.name for target in targets)
            and all(file_digest(target) == outputs[target.name] for target in targets)
        )
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return False
