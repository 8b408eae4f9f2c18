"""Templates are data, and layouts are shared between bureaus: a template must not reach the
system or read files outside its folder.

Every Jinja template pbgen runs (the PDF's HTML, the DOCX through docxtpl) runs in Jinja's
``ImmutableSandboxedEnvironment`` (no ``__globals__``, no attribute tricks, nothing changed in
place), and the loader reads only inside the layout's folder and the shared ``common/`` folder
beside it, symlinks resolved first. A template's own mistakes become messages naming the
template file and line.

Jinja is imported when a template is first rendered, not with this module: `pbgen check`
never renders one.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.resources import templates_dir

SHARED = "common"


def template_roots(folder: Path) -> tuple[Path, Path]:
    """The only folders a layout's templates may read: its own, and ``common/`` beside it
    (what layouts share: base.css, ua.css) — pbgen's own for a layout without one."""
    common = folder.parent / SHARED
    return (folder, common if common.is_dir() else templates_dir() / SHARED)


class TemplateError(PbgenError):
    """A template that cannot be used: its file, its line, what is wrong."""


class FolderLoader:
    """Template files from ``folder`` only; a name under ``common/`` may also come from the
    ``common/`` folder beside it (what layouts share). A file (or a symlink) whose real path
    lies outside the folder it was found in is refused. Jinja loads through ``source``
    (``jinja2.FunctionLoader``)."""

    def __init__(self, folder: Path):
        self.roots = [(folder.resolve(), "")]
        shared = template_roots(folder)[1]  # beside it, or pbgen's own for a user's layout
        if shared.is_dir():
            self.roots.append((shared.resolve(), f"{SHARED}/"))

    def find(self, name: str) -> Path | None:
        parts = name.replace("\\", "/").split("/")
        if ".." in parts or name.startswith("/"):
            raise TemplateError(f"模板不能引用文件夹以外的文件：「{name}」。")
        for root, prefix in self.roots:
            if not name.startswith(prefix):
                continue
            path = root / name[len(prefix) :]
            if path.is_symlink() or path.exists():
                real = path.resolve()
                if not real.is_relative_to(root):
                    raise TemplateError(
                        f"模板文件 {path} 指向模板文件夹以外的 {real}，已拒绝："
                        "模板只能读取自己文件夹里的文件。"
                    )
                if real.is_file():
                    return real
        return None

    def source(self, template: str):
        """The template's text, file name and up-to-date test; None when there is no such file."""
        path = self.find(template)
        if path is None:
            return None
        text = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime
        return text, str(path), lambda: path.stat().st_mtime == mtime


def sandboxed(folder: Path | None = None, **options):
    """A sandboxed Jinja environment (``ImmutableSandboxedEnvironment``); with ``folder``, it
    loads templates from there only."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loader = jinja2.FunctionLoader(FolderLoader(folder).source) if folder is not None else None
    return ImmutableSandboxedEnvironment(loader=loader, undefined=jinja2.StrictUndefined, **options)


@contextmanager
def explained(template: Path | str):
    """A template's own mistakes, raised inside, as ``TemplateError`` naming ``template``; a
    fault of pbgen itself goes on as it is."""
    import jinja2

    try:
        yield
    except jinja2.TemplateError as error:
        raise explain(error, template) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as error:
        if not in_template(error):
            raise
        raise explain(error, template) from None


def render_string(source: str, context: dict, file: Path) -> str:
    """``source`` (a Jinja template written in ``file``, a manifest's ``title``) rendered
    sandboxed with ``context``, without autoescape: plain text."""
    with explained(file):
        return sandboxed(autoescape=False).from_string(source).render(context)


def _template_frame(error: Exception) -> tuple[str, int] | None:
    """Where in a template a runtime error happened: Jinja rewrites the traceback so that
    template lines appear as frames of the template file."""
    frames = traceback.extract_tb(error.__traceback__)
    inside = [frame for frame in frames if not frame.filename.endswith(".py")]
    return (inside[-1].filename, inside[-1].lineno) if inside else None


def in_template(error: Exception) -> bool:
    """Whether ``error`` arose in a template's own code (``{{ 1 / 0 }}``, or Jinja running
    it), not in pbgen's."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames or _template_frame(error) is None:
        return False
    last = Path(frames[-1].filename)
    return last.suffix != ".py" or "jinja2" in last.parts


def explain(error: Exception, template: Path | str) -> TemplateError:
    """A Jinja error as a message: the template file, the line, what to do."""
    import jinja2
    from jinja2.sandbox import SecurityError

    file, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if line is None:
        file, line = _template_frame(error) or (file, None)
    file = file if file and not file.startswith("<") else str(template)
    near = "".join(getattr(error, "docx_context", None) or []).strip()
    if near:  # a Word template: its XML line means nothing to the user; the text near it does
        line = None
    where = f"{file} 第 {line} 行" if line else f"{file} "
    near = f"（附近的文字：「{near[:80]}」）" if near else ""
    if isinstance(error, SecurityError):
        return TemplateError(
            f"模板 {where}试图访问不允许的内容（{error}），已拒绝：模板只能排版数据，"
            "不能调用系统。请检查这份模板的来源。"
        )
    if isinstance(error, jinja2.TemplateSyntaxError):
        return TemplateError(
            f"模板 {where}有语法错误：{error.message}{near}。请对照原模板改正这一行。"
        )
    if isinstance(error, jinja2.UndefinedError):
        return TemplateError(
            f"模板 {where}用到了没有的数据：{error.message}{near}。"
            "请对照 pbgen 的模板说明改正变量名。"
        )
    return TemplateError(
        f"模板 {where}无法使用：{type(error).__name__}: {error}{near}。请对照原模板改正这一行。"
    )
