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

import os
import traceback
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from pbgen.bounded import template_frame
from pbgen.errors import PbgenError
from pbgen.jail import SHARED, inside, layout_roots, real
from pbgen.resources import templates_dir


def template_roots(folder: Path) -> tuple[Path, Path]:
    """The only folders a layout's templates may read: its own, and ``common/`` beside it
    (what layouts share: base.css, ua.css) — pbgen's own for a layout without one; neither
    holding a link that leads out (``pbgen.jail``)."""
    return layout_roots(folder)


class TemplateError(PbgenError):
    """A template that cannot be used: its file, its line, what is wrong."""


class FolderLoader:
    """Template files from ``folder`` only; a name under ``common/`` may also come from the
    ``common/`` folder beside it (what layouts share). A file (or a symlink) whose real path
    lies outside those folders (and pbgen's own templates) is refused as it is read. Jinja
    loads through ``source`` (``jinja2.FunctionLoader``)."""

    def __init__(self, folder: Path):
        own, shared = layout_roots(folder)  # shared: beside it, or pbgen's own
        self.roots = [(own, ""), (shared, f"{SHARED}/")]
        self.may_read = [own, shared, real(templates_dir())]

    def find(self, name: str) -> Path | None:
        parts = name.replace("\\", "/").split("/")
        if ".." in parts or name.startswith("/"):
            raise TemplateError(f"模板不能引用文件夹以外的文件：「{name}」。")
        for root, prefix in self.roots:
            if not name.startswith(prefix):
                continue
            path = root / name[len(prefix) :]
            if os.path.lexists(path):
                found = inside(path, self.may_read)
                if found.is_file():
                    return found
        return None

    def source(self, template: str):
        """The template's text, file name and up-to-date test; None when there is no such file."""
        path = self.find(template)
        if path is None:
            return None
        text = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime
        return text, str(path), lambda: path.stat().st_mtime == mtime


MAX_REPEAT = 10_000_000  # characters (or items) one ``*`` may make: a rule is '—' * 40
MAX_POWER_BITS = 100_000  # an integer ``**`` may make: 2 ** 100000 has 30,103 digits


@cache
def _sandbox():
    """Jinja's immutable sandbox, whose ``*`` and ``**`` refuse to make more than a template
    could mean: ``'x' * 1500000000`` is refused at once, not built in 1.5 GB of memory. Made on
    first use: ``pbgen check`` never loads Jinja."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class TooLarge(SecurityError):
        """A ``*`` or ``**`` in a template whose result would be absurdly large."""

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator: str, left, right):
            if operator == "*" and _repeated(left, right) > MAX_REPEAT:
                made = _repeated(left, right)
                raise TooLarge(f"要重复生成 {made:,} 个字符（或项），超过了上限 {MAX_REPEAT:,}")
            if operator == "**" and _power_bits(left, right) > MAX_POWER_BITS:
                raise TooLarge(f"乘方 {left} ** {right} 的结果过大")
            return super().call_binop(context, operator, left, right)

    return jinja2, Sandbox, TooLarge


def _repeated(left, right) -> int:
    """How many characters or items ``left * right`` makes; 0 when it repeats nothing."""
    for items, times in ((left, right), (right, left)):
        if isinstance(items, str | bytes | list | tuple) and isinstance(times, int):
            return len(items) * times
    return 0


def _power_bits(base, exponent) -> int:
    """About how many bits ``base ** exponent`` has, for integers; 0 otherwise."""
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        return exponent * abs(base).bit_length()
    return 0


def sandboxed(folder: Path | None = None, **options):
    """A sandboxed Jinja environment (``_sandbox``); with ``folder``, it loads templates from
    there only."""
    jinja2, sandbox, _ = _sandbox()
    loader = jinja2.FunctionLoader(FolderLoader(folder).source) if folder is not None else None
    return sandbox(loader=loader, undefined=jinja2.StrictUndefined, **options)


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


def in_template(error: Exception) -> bool:
    """Whether ``error`` arose in a template's own code (``{{ 1 / 0 }}``, or Jinja running
    it), not in pbgen's."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames or template_frame(error) is None:
        return False
    last = Path(frames[-1].filename)
    return last.suffix != ".py" or "jinja2" in last.parts


def explain(error: Exception, template: Path | str) -> TemplateError:
    """A Jinja error as a message: the template file, the line, what to do."""
    import jinja2
    from jinja2.sandbox import SecurityError

    file, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if line is None:
        file, line = template_frame(error) or (file, None)
    file = file if file and not file.startswith("<") else str(template)
    near = "".join(getattr(error, "docx_context", None) or []).strip()
    if near:  # a Word template: its XML line means nothing to the user; the text near it does
        line = None
    where = f"{file} 第 {line} 行" if line else f"{file} "
    near = f"（附近的文字：「{near[:80]}」）" if near else ""
    if isinstance(error, _sandbox()[2]):
        return TemplateError(
            f"模板 {where}{error}{near}，已拒绝：一个模板不会需要这么长的内容。请检查这个模板的来源。"
        )
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
