"""The shape of the production code: short functions, explained type-ignores, public PTB API.

Each check walks every production module (bot/, handlers/, storage/, domain/) and names every
place that breaks its rule.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage", "domain")
MAX_FUNCTION_LINES = 60

PRIVATE_PTB = re.compile(r"\._(get_key|update_state|conversations)\b|telegram\.ext\._|telegram\._")
TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?")


def _modules() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            qualname = f"{prefix}{node.name}"
            if not isinstance(node, ast.ClassDef):
                yield qualname, node
            yield from _functions(node, qualname + ".")
        else:
            yield from _functions(node, prefix)


def _long_functions() -> dict[str, int]:
    """Every production function longer than the limit (def line to last line), by name."""
    found: dict[str, int] = {}
    for path in _modules():
        for qualname, node in _functions(ast.parse(path.read_text(), str(path))):
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found[f"{_name(path)}::{qualname}"] = length
    return found


def test_no_production_function_is_longer_than_60_lines() -> None:
    too_long = _long_functions()
    assert not too_long, "split these functions (lines):\n" + "\n".join(
        f"  {name}: {n}" for name, n in sorted(too_long.items())
    )


def test_every_type_ignore_says_why() -> None:
    """`# type: ignore[code]  # why` — the reason on the same line, after the pragma."""
    unexplained = []
    for path in _modules():
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for token in tokens:
            if token.type != tokenize.COMMENT:
                continue
            match = TYPE_IGNORE.search(token.string)
            if match is None:
                continue
            reason = token.string[match.end() :].strip().lstrip("#").strip()
            if not match.group(1) or len(reason) < 5:
                unexplained.append(f"{_name(path)}:{token.start[0]}: {token.line.strip()}")
    assert not unexplained, "give the error code and say why:\n" + "\n".join(unexplained)


def _private_ptb_uses() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _modules():
        if path.relative_to(ROOT).parts[0] not in ("bot", "handlers"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PRIVATE_PTB.search(line):
                found.setdefault(_name(path), []).append(f"{number}: {line.strip()}")
    return found


def test_bot_and_handlers_use_only_public_ptb_api() -> None:
    private = _private_ptb_uses()
    assert not private, "PTB private API:\n" + "\n".join(
        f"  {name}:{line}" for name, lines in sorted(private.items()) for line in lines
    )


def test_the_checks_see_what_they_look_for() -> None:
    """The walkers find a long function, an unexplained ignore and a private import."""
    long_source = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    (name, node), *_ = _functions(ast.parse("class C:\n    " + long_source.replace("\n", "\n    ")))
    assert name == "C.f"
    assert isinstance(node, ast.FunctionDef)
    assert node.end_lineno is not None and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    assert TYPE_IGNORE.search("x  # type: ignore[arg-type]")
    assert PRIVATE_PTB.search("from telegram.ext._utils.types import CDCData")
    assert PRIVATE_PTB.search("self._get_key(update)")
