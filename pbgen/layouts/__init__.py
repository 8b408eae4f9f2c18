"""The layouts pbgen can render a filing in: every folder with a ``manifest.yaml``.

pbgen's own layouts are in its templates folder; a department adds its own, or restyles ours, in
a folder of its own, named by ``--template-dir`` or by ``template_dir`` in a ``pbgen.toml`` next
to its filings (or in a parent folder). A folder whose id is new is a new layout; one with the
id of ours replaces ours. The manifest says what the layout needs and prints
(``pbgen.manifest``); the templates get the one shared context (``pbgen.context``).
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from pbgen.errors import PbgenError
from pbgen.manifest import MANIFEST, Manifest, missing, read_manifest, unprinted

SETTINGS_FILE = "pbgen.toml"
BUILT_IN = "pbgen 自带"


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]  # format → bytes
    pages: int | None  # the PDF's page count; None when no PDF was made


def pdf_if_asked(context, folder: Path, formats) -> Rendered:
    """The PDF when it is asked for, else nothing: DOCX and XLSX never load the PDF engine
    (WeasyPrint, Pango), so they render where it is missing."""
    if "pdf" not in formats:
        return Rendered({}, None)
    from pbgen.render_pdf import render_pdf

    pdf = render_pdf(context, folder)
    return Rendered({"pdf": pdf.data}, pdf.pages)


@dataclass(frozen=True)
class Layout:
    manifest: Manifest
    folder: Path
    origin: str  # where it was found: pbgen 自带, --template-dir …, pbgen.toml …

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.manifest.formats)

    def refuse_missing(self, filing, file: str = "") -> None:
        """Refuse, naming every field the manifest ``needs`` that the filing lacks."""
        from pbgen.context import refuse_if_missing

        refuse_if_missing(self.name, file, missing(filing, self.manifest.needs))

    def unprinted(self, filing) -> list[str]:
        """What the filing gives that this layout does not print (its manifest's ``prints``)."""
        return unprinted(filing, self.manifest.prints)

    @property
    def module(self) -> ModuleType | None:
        """The Python of a built-in layout, for what its DOCX still does in code."""
        try:
            return importlib.import_module(f"pbgen.layouts.{self.id}")
        except ModuleNotFoundError:
            return None


def builtin_templates() -> Path:
    from pbgen.pipeline import TEMPLATES

    return TEMPLATES


def settings_for(filing: Path) -> tuple[Path, dict] | None:
    """The nearest ``pbgen.toml`` in the filing's folder or a parent, and its settings."""
    for folder in [filing.resolve().parent, *filing.resolve().parents]:
        file = folder / SETTINGS_FILE
        if file.is_file():
            try:
                settings = tomllib.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
                raise PbgenError(f"{file}：无法读取（{error}）。") from None
            unknown = sorted(set(settings) - {"template_dir"})
            if unknown:
                raise PbgenError(
                    f"{file}：不认识的设置 {'、'.join(unknown)}；可用的设置：template_dir"
                    "（自己的版式所在的文件夹，相对于这个文件）。"
                )
            return file, settings
    return None


def layout_folders(
    template_dir: Path | None = None, filing: Path | None = None
) -> list[tuple[Path, str]]:
    """Where layouts are looked for, in order of precedence (a later one wins an id):
    pbgen's own, the ``pbgen.toml`` of the filing, ``--template-dir``."""
    folders = [(builtin_templates(), BUILT_IN)]
    found = settings_for(filing) if filing is not None else None
    if found is not None:
        file, settings = found
        if "template_dir" in settings:
            folder = file.parent / str(settings["template_dir"])
            if not folder.is_dir():
                raise PbgenError(f"{file}：template_dir 指向的文件夹 {folder} 不存在。")
            folders.append((folder, f"{file}"))
    if template_dir is not None:
        if not template_dir.is_dir():
            raise PbgenError(f"找不到模板文件夹 {template_dir}。")
        folders.append((template_dir, f"--template-dir {template_dir}"))
    return folders


def _layouts_in(folder: Path, origin: str) -> list[Layout]:
    """The layout ``folder`` is, or the layouts in its sub-folders."""
    if (folder / MANIFEST).is_file():
        return [Layout(read_manifest(folder / MANIFEST), folder, origin)]
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if (sub / MANIFEST).is_file():
            found.append(Layout(read_manifest(sub / MANIFEST), sub, origin))
        elif (sub / "document.html.j2").is_file() or (sub / "template.docx").is_file():
            raise PbgenError(
                f"{sub}：有模板文件但没有 {MANIFEST}；每个版式文件夹都要有一份"
                f"（可从 pbgen layouts new 生成的副本复制）。"
            )
    return found


BUILT_IN_ORDER = ("wenben", "gongkai", "fubiao", "shenbao")


def find_layouts(template_dir: Path | None = None, filing: Path | None = None) -> list[Layout]:
    """Every layout found, pbgen's first (绩效文本, 公开表, 附表, then by id), then the user's."""
    layouts: dict[str, Layout] = {}
    for folder, origin in layout_folders(template_dir, filing):
        for layout in _layouts_in(folder, origin):
            layouts[layout.id] = layout
    order = {id_: n for n, id_ in enumerate(BUILT_IN_ORDER)}
    return sorted(
        layouts.values(),
        key=lambda layout: (layout.origin != BUILT_IN, order.get(layout.id, len(order)), layout.id),
    )


def find_layout(
    name: str,
    template_dir: Path | None = None,
    filing: Path | None = None,
    where: str = "",
) -> Layout:
    """A layout by its id (wenben), Chinese name or alias (绩效文本). ``where`` (file:line) says
    where the name was written, for the message when there is no such layout."""
    layouts = find_layouts(template_dir, filing)
    for layout in layouts:
        if name in (layout.id, layout.name, *layout.manifest.aliases):
            return layout
    choices = "、".join(f"{layout.id}（{layout.name}）" for layout in layouts)
    place = f"{where}：" if where else ""
    raise PbgenError(
        f"{place}没有名为「{name}」的版式；可选：{choices}。"
        "自己的版式放在 --template-dir 或 pbgen.toml 的 template_dir 指定的文件夹里"
        "（pbgen layouts 列出全部）。"
    )
