"""The layouts pbgen can render a filing in: every folder with a ``manifest.yaml``.

pbgen's own layouts are in its templates folder; a department adds its own, or restyles ours, in
a folder of its own, named by ``--template-dir`` or by ``template_dir`` in a ``pbgen.toml`` next
to its filings (or in a parent folder). A folder whose id is new is a new layout; one with the
id of ours replaces ours. The manifest says what the layout needs and prints
(``pbgen.manifest``); the templates get the one shared context (``pbgen.context``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.jail import inside, layout_roots, real
from pbgen.manifest import MANIFEST, Manifest, missing, read_manifest, unprinted

SETTINGS_FILE = "pbgen.toml"
BUILT_IN = "pbgen 自带"


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]  # format → bytes
    pages: int | None  # the PDF's page count; None when no PDF was made
    notices: list[str] = field(default_factory=list)  # what the clerk should know, in Chinese


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

    def render(self, context: dict, formats, timestamp) -> Rendered:
        """The layout's files from the shared context, only the formats asked for: DOCX and
        XLSX never load the PDF engine (WeasyPrint, Pango), so they render where it is missing.
        The PDF's page count is the document's; a DOCX 目录 carries the DOCX's own page numbers
        (``render_docx.render_docx_paged``), never the PDF's: the two lay out differently."""
        files, pages, notices = {}, None, []
        if "pdf" in formats:
            from pbgen.layouts.fubiao import paged_pdf
            from pbgen.layouts.gongkai import continued_pdf
            from pbgen.render_pdf import lay_out_only, render_pdf

            first = context["part1"]["anchor"]
            pdf = continued_pdf(
                context,
                lambda c: paged_pdf(c, self.folder, lambda c: render_pdf(c, self.folder, first)),
                lambda c, cut: lay_out_only(c, self.folder, cut),
            )
            files["pdf"], pages = pdf.data, pdf.pages
        if "docx" in formats:
            from pbgen.render_docx import render_docx_paged

            template = self.folder / "template.docx"
            files["docx"], notices = render_docx_paged(context, template, timestamp=timestamp)
        if "xlsx" in formats:
            from pbgen.layouts.gongkai import from_context
            from pbgen.render_xlsx import render_xlsx

            files["xlsx"] = render_xlsx(from_context(context), timestamp)
        return Rendered(files, pages, notices)


def builtin_templates() -> Path:
    from pbgen.pipeline import TEMPLATES

    return TEMPLATES


def settings_for(filing: Path) -> tuple[Path, dict] | None:
    """The nearest ``pbgen.toml`` in the filing's folder (or this folder) or a parent, and its
    settings."""
    start = filing.resolve() if filing.is_dir() else filing.resolve().parent
    for folder in [start, *start.parents]:
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
        layout_roots(folder)  # nothing of it is read before it proves a jail (pbgen.jail)
        return [Layout(read_manifest(folder / MANIFEST), folder, origin)]
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if (sub / MANIFEST).is_file():
            inside(sub, [real(folder)])
            layout_roots(sub)
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


GUIDE = "README.md"


def copy_layout(
    new_id: str, source: str, to: Path | None, name: str | None, here: Path
) -> tuple[Path, Path | None]:
    """Copy the layout ``source`` as ``new_id`` into ``to`` (default: the ``template_dir`` of the
    ``pbgen.toml`` governing ``here``, else ``here/forms``, and then a ``pbgen.toml`` saying so
    is written). Returns the new folder and the settings file written, if any."""
    import re
    import shutil

    from pbgen.manifest import Manifest

    if not re.fullmatch(Manifest.model_fields["id"].metadata[0].pattern, new_id):
        raise PbgenError(
            f"版式编号「{new_id}」只能用小写字母开头，由小写字母、数字、-、_ 组成，如 hubei。"
        )
    written = None
    if to is None:
        found = settings_for(here)
        if found is not None and "template_dir" in found[1]:
            to = found[0].parent / str(found[1]["template_dir"])
        else:
            to = here / "forms"
            if found is None:
                written = here / SETTINGS_FILE
    existing = {layout.id for layout in find_layouts(to if to.is_dir() else None, here)}
    if new_id in existing:
        raise PbgenError(
            f"已经有编号为「{new_id}」的版式：请换一个编号（pbgen layouts 列出全部）。"
        )
    original = find_layout(source, to if to.is_dir() else None, here)
    target = to / new_id
    if target.exists():
        raise PbgenError(f"{target} 已经存在：请换一个编号或文件夹。")
    shutil.copytree(original.folder, target, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = target / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", text)
    text = re.sub(r"(?m)^name: .*$", f"name: {name or original.name + '（' + new_id + '）'}", text)
    text = re.sub(r"(?m)^aliases: .*$", "aliases: []", text)
    manifest.write_text(text, encoding="utf-8")
    (target / GUIDE).write_text(guide_text(new_id, original), encoding="utf-8")
    read_manifest(manifest)
    if written is not None:
        written.write_text(
            '# pbgen 的设置：自己的版式所在的文件夹（相对于本文件）。\ntemplate_dir = "forms"\n',
            encoding="utf-8",
        )
    return target, written


def guide_text(new_id: str, original: Layout) -> str:
    """The short guide a copied layout carries (its README.md)."""
    return f"""# 版式 {new_id}（复制自 {original.id}：{original.name}）

这个文件夹就是一个版式。文件里写 `layout: {new_id}`，pbgen 就用它生成；不需要写 Python。

| 文件 | 作用 |
|---|---|
| `manifest.yaml` | 版式的编号、中文名、标题、格式（docx/pdf）、纸张方向；`needs`：文件必须给出的字段（缺了就拒绝生成并逐项说明）；`prints`：本版式印出的字段（文件给了而没印出的，生成时会提示） |
| `document.html.j2` | PDF 的内容：HTML + Jinja（`{{{{ 变量 }}}}`、`{{% for … %}}`）；每张另起一页的表（第一张之后的）带 `data-pbgen-part`，长文档即可分批排版（见 `templates/CONTEXT.md`） |
| `style.css` | PDF 的样式：纸张、页边距、字体、表格线；`common/base.css` 是 pbgen 自带的字体栈与页码 |
| `template.docx` | DOCX 的模板：用 Word 打开修改；单元格里的 `{{{{ 变量 }}}}` 由 pbgen 填入，`{{%tr for … %}}` 重复表格行，单元格里写 `{{# 合并 #}}` 表示与上一行同值时纵向合并（`{{# 合并2 #}}`、`{{# 合并3 #}}` 是下一级） |

模板能用的全部变量及其含义见 pbgen 的 `templates/CONTEXT.md`；看一份文件实际给出的数据：

    pbgen context 你的文件.yaml --layout {new_id}

常用：`title`、`department.name`/`code`、`projects`（每个项目：`name`、`attribute`、`unit.name`、
`period`、`funds.total.total`/`funds.total.year`……、`period_goals`、`goals`、`indicators` 与
`period_indicators` 的行，`level1_span` 大于 0 的行开始一个合并单元格）。

检查：`pbgen layouts` 列出全部版式及其来源；`pbgen render 文件 --layout {new_id}` 生成。
"""
