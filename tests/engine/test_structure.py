"""The code's shape: no import cycle in harness, suites or refportal (imports inside functions
count too: they are cycles all the same, only deferred), no module over 600 lines outside
tests, and no module state in harness or suites. Computed from the source with `ast`, so it runs
in well under a second."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("harness", "suites", "refportal")
MAX_LINES = 600
KNOWN_CYCLES: list[list[str]] = []  # none: a new cycle fails


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules `name` imports, wherever in the file the import statement stands."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` imports the module pkg.mod when there is one, else a name of pkg
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` where only a.b is ours
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(package: str) -> dict[str, set[str]]:
    found = modules(package)
    known = set(found)
    return {name: imported(path, name, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return result


def test_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def late():\n    from pkg.c import thing\n")
    (package / "c.py").write_text("from . import a\nthing = 1\n")
    (package / "d.py").write_text("import pkg.a\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert cycles(graph("pkg")) == [["pkg.a", "pkg.b", "pkg.c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package):
    found = [c for c in cycles(graph(package)) if c not in KNOWN_CYCLES]
    assert not found, f"import cycles in {package}: " + "; ".join(" ↔ ".join(c) for c in found)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_the_size_limit(package):
    too_long = {name: n for name, path in modules(package).items()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines in {package}: {too_long}"


# Module state: a module-level container that starts empty (or a `global` rebinding) is state that
# outlives a run and is shared by everything in the process. The run's state lives in objects the
# run owns (harness/run.py: its traffic, ledger, the `measured` fixture; harness/aborting.py: one
# Aborting in the config's stash). Checked in dokiem's own code; refportal stands in for a vendor's
# server, one portal per process, and keeps its switches (defects, style, clock) as such a server would.
STATE_PACKAGES = ("harness", "suites")
MODULE_STATE_EXEMPT = {
    # a Locust script, run by Locust in its own processes: Locust calls some of its event listeners
    # with no context (spawning_complete gets only a user count), so its state is the script's module
    "suites.performance.locustfile_template": "*",
    # the exchange in progress on this thread: urllib3 opens its sockets deep inside requests, where
    # nothing can be handed down; a thread-local is the context of one call, not state between runs
    "harness.deadlines": "_current",
}
EMPTY_CONTAINERS = ("list", "dict", "set", "defaultdict", "OrderedDict", "deque", "local", "Counter")


def module_state(path: Path) -> list[str]:
    """`NAME (line N)` for each module-level name bound to an empty mutable container, or rebound
    with `global` anywhere in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        empty = (isinstance(value, (ast.List, ast.Set)) and not value.elts
                 or isinstance(value, ast.Dict) and not value.keys
                 or isinstance(value, ast.Call) and not value.args and not value.keywords
                 and getattr(value.func, "attr", getattr(value.func, "id", None)) in EMPTY_CONTAINERS)
        if empty:
            found += [f"{t.id} (line {node.lineno})" for t in targets if isinstance(t, ast.Name)]
    found += [f"global {', '.join(n.names)} (line {n.lineno})" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    return found


def test_the_module_state_finder_sees_each_form(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("A = []\nB: dict = {}\nC = set()\nD = threading.local()\nE = (1,)\nF = {'x': 1}\n"
                      "def f():\n    global G\n    G = 1\n")
    assert module_state(source) == ["A (line 1)", "B (line 2)", "C (line 3)", "D (line 4)", "global G (line 8)"]


@pytest.mark.parametrize("package", STATE_PACKAGES)
def test_no_module_state(package):
    found = {}
    for name, path in modules(package).items():
        exempt = MODULE_STATE_EXEMPT.get(name)
        state = [s for s in module_state(path) if exempt != "*" and s.split(" (")[0] != exempt]
        if state:
            found[name] = state
    assert not found, f"module state in {package} (keep it in an object the run owns): {found}"
