"""No module over 400 lines and no function over 60, so that each fits on a screen or two.

Read from the source with ``ast``. Migrations are generated and left out; data files (the record's
TOML and TSV) are not Python and are not read.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The product's packages and the scripts beside them.
CHECKED = [
    "accounts",
    "dashboard",
    "delivery",
    "emgtracker",
    "intake",
    "meetings",
    "workstreams",
    "scripts",
]
MODULE_MAX_LINES = 400
FUNCTION_MAX_LINES = 60


def _sources() -> Iterator[Path]:
    for name in CHECKED:
        for path in sorted((ROOT / name).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def oversized(relative: str, source: str) -> dict[str, str]:
    """What is too long in one module: {"file" or "file:function": "file:line is N lines (at most M)"}."""
    found = {}
    lines = len(source.splitlines())
    if lines > MODULE_MAX_LINES:
        found[relative] = f"{relative}:1 is {lines} lines (at most {MODULE_MAX_LINES})"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            length = (node.end_lineno or node.lineno) - start + 1
            if length > FUNCTION_MAX_LINES:
                found[f"{relative}:{node.name}"] = (
                    f"{relative}:{node.lineno} {node.name}() is {length} lines "
                    f"(at most {FUNCTION_MAX_LINES})"
                )
    return found


def _oversized_everywhere() -> dict[str, str]:
    found = {}
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        found.update(oversized(relative, path.read_text(encoding="utf-8")))
    return found


def test_the_checker_finds_a_long_module_and_a_long_function() -> None:
    """The twin: the check sees real sizes, so the tests below cannot pass by reading nothing."""
    body = "\n".join(f"    x = {n}" for n in range(FUNCTION_MAX_LINES))
    source = f"@decorated\ndef long() -> None:\n{body}\n" + "\n" * MODULE_MAX_LINES
    assert oversized("m.py", source) == {
        "m.py": f"m.py:1 is {MODULE_MAX_LINES + FUNCTION_MAX_LINES + 2} lines (at most 400)",
        "m.py:long": f"m.py:2 long() is {FUNCTION_MAX_LINES + 2} lines (at most 60)",
    }
    assert any(_sources())


def test_no_module_or_function_is_too_long() -> None:
    too_long = list(_oversized_everywhere().values())
    assert too_long == [], "Split these, by concept:\n" + "\n".join(too_long)
