"""The package as a whole: its import graph has no cycle, its modules import each other at the
top (the CLI, the program's entry, loads each command's stages when it runs), `pbgen check`
loads no renderer, and no module names a built-in form — what a form needs is declared in its
folder."""

from __future__ import annotations

import ast
import io
import itertools
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from pbgen.formats import FORMATS

from conftest import CLEAN, ROOT

PACKAGE = ROOT / "pbgen"
ENTRY = "pbgen.cli"  # the program's entry: nothing imports it, its imports close no cycle


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = modules()


def _resolve(name: str) -> str | None:
    """The module ``name`` is, or is in (``pbgen.context.text.printable`` → pbgen.context.text)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> list[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parents = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parents, *([base] if base else [])])
        names = [f"{base}.{alias.name}" for alias in node.names]
    found = {_resolve(name) for name in names if name.split(".")[0] == "pbgen"}
    return sorted(target for target in found if target and target != module)


def _type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:``: imports for annotations only, never run."""
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports() -> list[tuple[str, str, bool, int]]:
    """(module, imported pbgen module, inside a function, line) for every import statement of a
    pbgen module, and the renderer module each registered format names (loaded when its format
    is asked for: an import inside a function)."""
    found = []
    for module, path in MODULES.items():

        def walk(node: ast.AST, inside: bool, module=module, path=path) -> None:
            for child in ast.iter_child_nodes(node):
                if _type_checking(child):
                    continue
                if isinstance(child, ast.Import | ast.ImportFrom):
                    for target in _targets(child, module, path):
                        found.append((module, target, inside, child.lineno))
                functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
                walk(child, inside or isinstance(child, functions))

        walk(ast.parse(path.read_text(encoding="utf-8")), False)
    found += [("pbgen.formats", format_.renderer, True, 0) for format_ in FORMATS.values()]
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], itertools.count()

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        on.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(MODULES):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_ring_and_a_pair():
    edges = {"pbgen.a": {"pbgen.b"}, "pbgen.b": {"pbgen.c"}, "pbgen.c": {"pbgen.a"}}
    edges |= {"pbgen.cli": {"pbgen.errors"}, "pbgen.errors": {"pbgen.cli"}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(MODULES, "pbgen.a", Path("a.py"))
        patch.setitem(MODULES, "pbgen.b", Path("b.py"))
        patch.setitem(MODULES, "pbgen.c", Path("c.py"))
        assert sorted(cycles(edges)) == [
            ["pbgen.a", "pbgen.b", "pbgen.c"],
            ["pbgen.cli", "pbgen.errors"],
        ]


def test_the_import_graph_has_no_cycle():
    edges: dict[str, set[str]] = {}
    for module, target, _, _ in imports():
        edges.setdefault(module, set()).add(target)
    assert cycles(edges) == []


def test_modules_import_pbgen_at_the_top_except_the_entry():
    """A function-level import of a pbgen module hides a dependency (and, before, a ring of 16
    modules). The renderers the format registry names load when their format is asked for; the
    CLI loads each command's stages when it runs, so `pbgen --help` loads none of them."""
    inside = [(module, target, line) for module, target, lazy, line in imports() if lazy]
    registry = [(m, t) for m, t, line in inside if m == "pbgen.formats" and line == 0]
    entry = [(m, t, line) for m, t, line in inside if m == ENTRY]
    print(f"function-level imports of pbgen modules: {len(entry)} in {ENTRY}, "
          f"{len(registry)} renderers named by the format registry")  # fmt: skip
    assert [item for item in inside if item[0] not in (ENTRY, "pbgen.formats")] == []
    assert sorted(target for _, target in registry) == sorted(f.renderer for f in FORMATS.values())
    importers = {module for module, target, _, _ in imports() if target == ENTRY}
    assert importers <= {"pbgen.__main__"}  # python -m pbgen


@pytest.mark.parametrize(
    "command",
    [
        f"from pbgen.cli import app; import sys; sys.argv = ['pbgen', 'check', {str(CLEAN)!r}]",
        "from pbgen.cli import app; import sys; sys.argv = ['pbgen', '--help']",
    ],
)
def test_check_and_help_load_no_renderer(command):
    """Start-up stays fast: no PDF engine, no Word, Excel or PDF library, no Jinja."""
    code = (
        f"{command}\ntry: app()\nexcept SystemExit: pass\n"
        "heavy = ('weasyprint', 'docxtpl', 'docx', 'openpyxl', 'pikepdf', 'jinja2', 'lxml')\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "LOADED []" in done.stdout, done.stdout + done.stderr


# -- no module names a built-in form ------------------------------------------------------------

BUILT_IN = ("wenben", "gongkai", "fubiao", "shenbao")
# None: a form is named only in its own folder (templates/<id>/) and in a kit's kit.yaml.
EXCEPTED: set[str] = set()


def named_forms(path: Path) -> list[tuple[int, str]]:
    """Each line of code (comments and docstrings aside) that names a built-in layout id."""
    source = path.read_text(encoding="utf-8")
    docstrings = {
        node.body[0].value.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.NAME, tokenize.STRING):
            continue
        if token.type == tokenize.STRING and token.start[0] in docstrings:
            continue
        if any(name in token.string for name in BUILT_IN):
            found.append((token.start[0], token.string))
    return found


def test_no_module_names_a_built_in_form():
    named = {
        str(path.relative_to(ROOT)): found
        for path in MODULES.values()
        if str(path.relative_to(ROOT)) not in EXCEPTED and (found := named_forms(path))
    }
    assert named == {}


def test_the_search_for_form_names_finds_one(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('"""wenben in a docstring is prose."""\nLAYOUT = "gongkai"  # fubiao\n')
    assert named_forms(module) == [(2, '"gongkai"')]
