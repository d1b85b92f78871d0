"""The import graph keeps the architecture's arrows (docs/architecture.md).

Read from the source with ``ast``, as Python runs it at import time: module-level imports only,
without those under ``if TYPE_CHECKING:`` (they are for the type checker) and without imports
inside functions (they run later, when every module is loaded).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Our own packages; a new one is found as soon as it has an __init__.py here.
PACKAGES = sorted(
    p.name
    for p in ROOT.iterdir()
    if (p / "__init__.py").exists() and p.name not in {"tests", "node_modules"}
)
# The pages that read both apps. Only the site's URLs mount them; they build on the two apps.
DASHBOARD_BUILDS_ON = {"dashboard", "meetings", "workstreams", "emgtracker"}
# `meetings` is who and when: the other apps build on it, and it builds on none of them. It may use
# the project package's plumbing (emgtracker.*), so long as nothing that reaches is an app's.
PROJECT_TOP = {"emgtracker.urls", "emgtracker.settings", "emgtracker.celery", "emgtracker.wsgi"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _module_level(tree: ast.Module) -> Iterator[ast.stmt]:
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.If | ast.Try):
            yield from (n for n in ast.walk(node) if isinstance(n, ast.stmt))
        else:
            yield node


def _imports(path: Path, known: set[str]) -> set[str]:
    names: set[str] = set()
    for node in _module_level(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names & known


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, set(modules)) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while (member := stack.pop()) != module:
                component.append(member)
            if component:
                cycles.append(sorted([module, *component]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_the_graph_is_read(graph: dict[str, set[str]]) -> None:
    """The twin: the reader sees real arrows, so the tests below cannot pass on an empty graph."""
    assert {"meetings", "workstreams", "dashboard", "emgtracker"} <= set(PACKAGES)
    assert "meetings.models" in graph["workstreams.models.workstream"]
    assert "workstreams.models" in graph["dashboard.views"]
    assert "dashboard.urls" in graph["emgtracker.urls"]


def test_no_module_imports_itself_round_a_cycle(graph: dict[str, set[str]]) -> None:
    assert _cycles(graph) == []


def test_a_cycle_is_found_when_there_is_one() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _reached(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for imported in graph[todo.pop()] - seen:
            seen.add(imported)
            todo.append(imported)
    return seen


def test_meetings_builds_on_nothing_above_it(graph: dict[str, set[str]]) -> None:
    """Not directly, and not through the plumbing it uses."""
    arrows = {
        (module, reached)
        for module in graph
        if module.split(".")[0] == "meetings"
        for reached in _reached(graph, module)
        if reached.split(".")[0] not in {"meetings", "emgtracker"} or reached in PROJECT_TOP
    }
    assert arrows == set()


def test_no_app_imports_the_project_top(graph: dict[str, set[str]]) -> None:
    """URLs, settings and the Celery and WSGI entry points sit above every app."""
    arrows = {
        (module, imported)
        for module, targets in graph.items()
        if module.split(".")[0] != "emgtracker"
        for imported in targets & PROJECT_TOP
    }
    assert arrows == set()


def test_nothing_but_the_urls_imports_the_dashboard(graph: dict[str, set[str]]) -> None:
    arrows = {
        (module, imported)
        for module, targets in graph.items()
        if module.split(".")[0] != "dashboard" and module != "emgtracker.urls"
        for imported in targets
        if imported.split(".")[0] == "dashboard"
    }
    assert arrows == set()


def test_the_dashboard_builds_on_meetings_and_workstreams_alone(
    graph: dict[str, set[str]],
) -> None:
    """Directly: ``workstreams`` itself may reach ``delivery``."""
    arrows = {
        (module, imported)
        for module, targets in graph.items()
        if module.split(".")[0] == "dashboard"
        for imported in targets
        if imported.split(".")[0] not in DASHBOARD_BUILDS_ON or imported in PROJECT_TOP
    }
    assert arrows == set()


# The search reads every app's rows and keeps its index by signals it connects itself: only the
# site's URLs (its page and API) and the admin's search boxes import it.
SEARCH_IMPORTED_BY = {"emgtracker.urls", "workstreams.admin"}


def test_only_the_urls_and_the_admin_import_the_search(graph: dict[str, set[str]]) -> None:
    arrows = {
        (module, imported)
        for module, targets in graph.items()
        if module.split(".")[0] != "search"
        and not any(module.startswith(allowed) for allowed in SEARCH_IMPORTED_BY)
        for imported in targets
        if imported.split(".")[0] == "search"
    }
    assert arrows == set()
    assert "search.admin_search" in graph["workstreams.admin.progress"]


def test_nothing_but_the_urls_imports_the_intake(graph: dict[str, set[str]]) -> None:
    """The report intake writes the record through the services of ``meetings`` and
    ``workstreams``; nothing of the record depends on it."""
    arrows = {
        (module, imported)
        for module, targets in graph.items()
        if module.split(".")[0] != "intake" and module != "emgtracker.urls"
        for imported in targets
        if imported.split(".")[0] == "intake"
    }
    assert arrows == set()
    assert "workstreams.services" in graph["intake.writer"]
