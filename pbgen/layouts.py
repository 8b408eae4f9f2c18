"""The layouts pbgen can render a filing in: every folder with a ``manifest.yaml``.

pbgen's own layouts are in its templates folder; a department adds its own, or restyles ours, in
a folder of its own, named by ``--template-dir`` or by ``template_dir`` in a ``pbgen.toml`` next
to its filings (or in a parent folder). A folder whose id is new is a new layout; one with the
id of ours replaces ours. The manifest says what the layout needs and prints
(``pbgen.manifest``); the templates get the context of the sections it names
(``pbgen.context``); each format it declares is rendered by the format's renderer
(``pbgen.formats``), which reads all it needs from the layout's own folder.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.formats import FORMATS
from pbgen.jail import inside, layout_roots, real
from pbgen.kit import BUILT_IN, Kit, builtin_kit
from pbgen.kitstore import kit_for
from pbgen.manifest import MANIFEST, SECTIONS, Manifest, missing, read_manifest, unprinted
from pbgen.settings import SETTINGS_FILE, settings_for


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
    kit: Kit = field(default_factory=builtin_kit, compare=False)  # the kit it was found through

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.manifest.formats)

    @property
    def sections(self) -> tuple[str, ...]:
        """The context sections its templates use (``pbgen.context``): all when it names none."""
        named = self.manifest.sections
        return SECTIONS if named is None else tuple(named)

    def as_pdfa(self) -> Layout:
        """The same layout, its PDF in PDF/A-2b and tagged (``pbgen render --pdfa``)."""
        return dataclasses.replace(self, manifest=self.manifest.model_copy(update={"pdfa": True}))

    def refuse_missing(self, filing, file: str = "") -> None:
        """Refuse, naming every field the manifest ``needs`` that the filing lacks, rather than
        print empty sections or cells."""
        lacking = missing(filing, self.manifest.needs, self.table_titles)
        if lacking:
            where = f"{file}：" if file else ""
            raise MissingDataError(
                f"{where}不能排成「{self.name}」版式，缺少：{'；'.join(lacking)}。"
                "请在文件中补上，或选用这份文件具备数据的版式（--layout）。"
            )

    def unprinted(self, filing) -> list[str]:
        """What the filing gives that this layout does not print (its manifest's ``prints``)."""
        return unprinted(filing, self.manifest.prints, self.table_titles)

    @property
    def table_titles(self) -> dict[str, str]:
        """Each table of its kit by its title: how messages name ``tables.<key>``."""
        return {key: spec.title for key, spec in self.kit.tables().items()}

    def render(self, context: dict, formats, timestamp) -> Rendered:
        """The layout's files from its context, only the formats asked for, each by its
        format's renderer (``pbgen.formats``): DOCX and XLSX never load the PDF engine
        (WeasyPrint, Pango), so they render where it is missing. The page count is the PDF's;
        a DOCX 目录 carries the DOCX's own page numbers, never the PDF's: the two lay out
        differently. A format that waits on another program (``Format.beside``: LibreOffice
        lays out the DOCX) renders in a thread while the others render here."""
        with ThreadPoolExecutor(thread_name_prefix="pbgen-beside") as beside:
            waiting = {
                name: beside.submit(FORMATS[name].render, context, self, timestamp)
                for name in formats
                if FORMATS[name].beside
            }
            outputs = {
                name: FORMATS[name].render(context, self, timestamp)
                for name in formats
                if name not in waiting
            }
        outputs |= {name: future.result() for name, future in waiting.items()}
        files, pages, notices = {}, None, []
        for name in formats:
            output = outputs[name]
            files[name] = output.data
            pages = output.pages if output.pages is not None else pages
            notices += output.notices
        return Rendered(files, pages, notices)


class MissingDataError(PbgenError):
    """The filing lacks what the requested layout needs."""


def builtin_templates() -> Path:
    return builtin_kit().folder


def layout_folders(
    template_dir: Path | None = None, filing: Path | None = None, kit: Kit | None = None
) -> list[tuple[Path, str]]:
    """Where layouts are looked for, in order of precedence (a later one wins an id): pbgen's
    own kit, the department's kit (``pbgen.toml``'s ``[kit]``, or ``kit``), the ``template_dir``
    of the filing's ``pbgen.toml``, ``--template-dir``."""
    kit = kit or (kit_for(filing) if filing is not None else builtin_kit())
    folders = [(layer.folder, layer.origin) for layer in kit.layers]
    settings = settings_for(filing) if filing is not None else None
    if settings is not None and settings.template_dir is not None:
        folders.append((settings.template_dir, str(settings.file)))
    if template_dir is not None:
        if not template_dir.is_dir():
            raise PbgenError(f"找不到模板文件夹 {template_dir}。")
        folders.append((template_dir, f"--template-dir {template_dir}"))
    return folders


def _layouts_in(folder: Path, origin: str, kit: Kit) -> list[Layout]:
    """The layout ``folder`` is, or the layouts in its sub-folders."""
    if (folder / MANIFEST).is_file():
        layout_roots(folder)  # nothing of it is read before it proves a jail (pbgen.jail)
        return [Layout(read_manifest(folder / MANIFEST), folder, origin, kit)]
    found = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if (sub / MANIFEST).is_file():
            inside(sub, [real(folder)])
            layout_roots(sub)
            found.append(Layout(read_manifest(sub / MANIFEST), sub, origin, kit))
        elif (sub / "document.html.j2").is_file() or (sub / "template.docx").is_file():
            raise PbgenError(
                f"{sub}：有模板文件但没有 {MANIFEST}；每个版式文件夹都要有一份"
                f"（可从 pbgen layouts new 生成的副本复制）。"
            )
    return found


def find_layouts(
    template_dir: Path | None = None, filing: Path | None = None, kit: Kit | None = None
) -> list[Layout]:
    """Every layout found, pbgen's first (in the order its kit lists them, ``layouts:``, then by
    id), then the user's."""
    kit = kit or (kit_for(filing) if filing is not None else builtin_kit())
    layouts: dict[str, Layout] = {}
    for folder, origin in layout_folders(template_dir, filing, kit):
        for layout in _layouts_in(folder, origin, kit):
            layouts[layout.id] = layout
    order = {id_: n for n, id_ in enumerate(kit.layout_order)}
    return sorted(
        layouts.values(),
        key=lambda layout: (layout.origin != BUILT_IN, order.get(layout.id, len(order)), layout.id),
    )


def find_layout(
    name: str,
    template_dir: Path | None = None,
    filing: Path | None = None,
    where: str = "",
    kit: Kit | None = None,
) -> Layout:
    """A layout by its id (wenben), Chinese name or alias (绩效文本). ``where`` (file:line) says
    where the name was written, for the message when there is no such layout."""
    layouts = find_layouts(template_dir, filing, kit)
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


def layout_for(
    loaded, name: str | None = None, template_dir: Path | None = None, kit: Kit | None = None
) -> Layout:
    """The layout named by ``name`` (``--layout``), else by the filing, else the kit's default;
    an unknown name is reported at the line of the filing's ``layout:`` (the layouts found are
    listed)."""
    file = Path(loaded.source.file)
    kit = kit or kit_for(file)
    if name:
        return find_layout(name, template_dir, file, kit=kit)
    if loaded.filing.layout is None:
        return find_layout(kit.default_layout, template_dir, file, kit=kit)
    line, column = loaded.source.locate(("layout",))
    where = f"{file}:{line}:{column}" if ("layout",) in loaded.source.marks else str(file)
    return find_layout(loaded.filing.layout, template_dir, file, where, kit)


GUIDE = "README.md"


def copy_layout(
    new_id: str, source: str | None, to: Path | None, name: str | None, here: Path
) -> tuple[Path, Path | None]:
    """Copy the layout ``source`` (default: the kit's default layout) as ``new_id`` into ``to``
    (default: the ``template_dir`` of the ``pbgen.toml`` governing ``here``, else
    ``here/forms``, and then a ``pbgen.toml`` saying so is written). Returns the new folder and
    the settings file written, if any."""
    source = source or kit_for(here).default_layout
    if not re.fullmatch(Manifest.model_fields["id"].metadata[0].pattern, new_id):
        raise PbgenError(
            f"版式编号「{new_id}」只能用小写字母开头，由小写字母、数字、-、_ 组成，如 hubei。"
        )
    written = None
    if to is None:
        found = settings_for(here)
        if found is not None and found.template_dir is not None:
            to = found.template_dir
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
| `manifest.yaml` | 版式的编号、中文名、标题、格式（docx/pdf/xlsx）、纸张方向；`sections`：模板要的数据组（outline、table_rows、sheets）；`needs`：文件必须给出的字段（缺了就拒绝生成并逐项说明）；`prints`：本版式印出的字段（文件给了而没印出的，生成时会提示） |
| `document.html.j2` | PDF 的内容：HTML + Jinja（`{{{{ 变量 }}}}`、`{{% for … %}}`）；每张另起一页的表（第一张之后的）带 `data-pbgen-part`，长文档即可分批排版（见 `templates/CONTEXT.md`） |
| `style.css` | PDF 的样式：纸张、页边距、字体、表格线；`common/base.css` 是 pbgen 自带的字体栈与页码 |
| `template.docx` | DOCX 的模板：用 Word 打开修改；单元格里的 `{{{{ 变量 }}}}` 由 pbgen 填入，`{{%tr for … %}}` 重复表格行，单元格里写 `{{# 合并 #}}` 表示与上一行同值时纵向合并（`{{# 合并2 #}}`、`{{# 合并3 #}}` 是下一级） |
| `template.xlsx` | XLSX 的模板（格式有 xlsx 时）：用 Excel 打开修改；单元格里写 `{{{{ 变量 }}}}`，只写着 `{{%tr … %}}` 的行重复表格行，`{{# 合并 #}}`、`{{# 续 #}}` 等标记见 `templates/CONTEXT.md` |

模板能用的全部变量及其含义见 pbgen 的 `templates/CONTEXT.md`；看一份文件实际给出的数据：

    pbgen context 你的文件.yaml --layout {new_id}

常用：`title`、`department.name`/`code`、`projects`（每个项目：`name`、`attribute`、`unit.name`、
`period`、`funds.total.total`/`funds.total.year`……、`period_goals`、`goals`、`indicators` 与
`period_indicators` 的行，`level1_span` 大于 0 的行开始一个合并单元格）。

检查：`pbgen layouts` 列出全部版式及其来源；`pbgen render 文件 --layout {new_id}` 生成。
"""
