"""The architecture, checked on the source: imports go one way down the data flow, the CLI and the
API stand on the facade only, there are no import cycles and no imports hidden in strings.

    sources -> store -> (match, curated) -> parties -> regimes -> screen -> check -> batch / render
    -> watch -> facade -> api -> cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "redlist"

#: Each module's layer, by the longest matching prefix; a module may import its own package and
#: any lower layer, never a higher one or a sibling package of its own layer.
LAYERS: dict[str, int] = {
    "redlist": 0,  # the version and the lazy exports
    "redlist.util": 0,
    "redlist.errors": 0,
    "redlist.home": 0,  # a home directory's layout
    "redlist.model": 1,
    "redlist.settings": 1,
    "redlist.identifiers": 2,
    "redlist.datafile": 2,
    "redlist.versions": 2,  # the digests of the bundled data and the receipt, parsing nothing
    "redlist.compiled": 1,  # the strict loaders' output kept between processes (pickles)
    "redlist.sources": 3,
    "redlist.store": 4,
    "redlist.cache": 4,
    "redlist.keys": 4,
    "redlist.match": 5,  # names and scripts: used by parties and by the screener
    "redlist.curated": 5,
    "redlist.parties": 6,
    "redlist.regimes": 7,
    "redlist.screen": 8,
    "redlist.check": 9,
    "redlist.indexfile": 9,  # the screener saved to / opened from its memory-mapped file
    "redlist.batch": 10,
    "redlist.render": 10,
    "redlist.watch": 11,  # monitoring: re-screens watchlists with screen/check, reads batch files
    "redlist.service": 12,
    "redlist.api": 13,
    "redlist.cli": 14,  # `redlist serve` starts the API's server
    "redlist.__main__": 15,  # python -m redlist
}

#: What the CLI and the API may import: the facade, the model, the errors, the settings and the
#: rendering helpers and the stateless utilities (and, within the API, its own modules; the CLI
#: starts the API's server).
SHELL_ALLOWED = (
    "redlist.service",
    "redlist.model",
    "redlist.errors",
    "redlist.settings",
    "redlist.render",
    "redlist.util",
)


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    name = ".".join(("redlist", *parts))
    return name.removesuffix(".__init__")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every redlist import in a file, at any depth (lazy imports included)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("redlist"):
            module = node.module or ""
            out.append((node.lineno, module))
            for alias in node.names:  # `from redlist.store import history` imports a module too
                sub = f"{module}.{alias.name}"
                if _exists(sub):
                    out.append((node.lineno, sub))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("redlist")]
    return out


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


def _layer(module: str) -> tuple[str, int]:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return best, LAYERS[best]


FILES = sorted(SRC.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    for path in FILES:
        assert _layer(_module(path)), path


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down_the_data_flow(path: Path) -> None:
    here = _module(path)
    package, rank = _layer(here)
    wrong = []
    for line, target in _imports(path):
        if here == "redlist":
            continue
        their_package, their_rank = _layer(target)
        same_package = their_package == package
        if not same_package and their_rank >= rank and their_package != "redlist":
            wrong.append(f"line {line}: {here} (layer {rank}) imports {target} (layer {their_rank})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "path", [SRC / "cli.py", *sorted((SRC / "api").rglob("*.py"))], ids=lambda p: str(p.relative_to(SRC))
)
def test_cli_and_api_stand_on_the_facade(path: Path) -> None:
    here = _module(path)
    wrong = []
    for line, target in _imports(path):
        if target == "redlist" or target.startswith(SHELL_ALLOWED) or target.startswith("redlist.api"):
            continue
        wrong.append(f"line {line}: {here} imports {target}")
    assert not wrong, "the CLI and the API use the facade (redlist.service):\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = {_module(p): {t for _, t in _imports(p) if t != _module(p)} for p in FILES}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_no_imports_hidden_in_strings() -> None:
    found = []
    for path in FILES:
        if path == SRC / "__init__.py":  # the lazy top-level exports (redlist.Screener, redlist.open...)
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("__import__(", "import_module("):
            if needle in text:
                found.append(f"{path.relative_to(SRC)}: {needle}")
    assert not found, found


def test_the_checks_above_can_fail(tmp_path: Path) -> None:
    # the helpers see both kinds of import, and a shell importing the store is caught
    probe = tmp_path / "probe.py"
    probe.write_text("import redlist.store\n\ndef f():\n    from redlist.match.index import NameIndex\n")
    assert [t for _, t in _imports(probe)] == ["redlist.store", "redlist.match.index"]
    assert _layer("redlist.match.index") == ("redlist.match", 5)
