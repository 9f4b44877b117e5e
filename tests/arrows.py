"""The import arrows between the parts of src/zengzhi, read from the sources' syntax trees.

Every import counts: at the top, inside a function, under TYPE_CHECKING, relative or
absolute, `from zengzhi import api` as much as `import zengzhi.deps`. A module's part is
the first name under zengzhi/ (`engine` for engine/replay.py, `app` for app.py).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

# What each part must never import (docs/architecture.md draws the same arrows). The pure
# parts know no I/O; the engine runs in memory and is given what it needs (the replay's
# spill store is injected); the service knows nothing of HTTP; the API and the web pages
# are siblings that share only `deps`; what a person reads (the catalogue, formats)
# is `i18n`, which the pages and the simulator's report share; only the composition
# root `app` and the `cli` see everything.
_ENTRY_POINTS = {"app", "cli"}
_FACES = {"deps", "api", "web"} | _ENTRY_POINTS
FORBIDDEN: dict[str, frozenset[str]] = {
    "core": frozenset({"rules", "engine", "store", "service", "sim", "i18n"} | _FACES),
    "rules": frozenset({"engine", "store", "service", "sim", "i18n"} | _FACES),
    "engine": frozenset({"store", "service", "sim", "i18n"} | _FACES),
    "i18n": frozenset({"store", "service", "sim"} | _FACES),
    "sim": frozenset({"store", "service"} | _FACES),
    "store": frozenset({"service", "sim", "i18n"} | _FACES),
    "service": frozenset(_FACES),
    "deps": frozenset({"api", "web"} | _ENTRY_POINTS),
    "api": frozenset({"web"} | _ENTRY_POINTS),
    "web": frozenset({"api"} | _ENTRY_POINTS),
}


def _part(module: str) -> str | None:
    """zengzhi.engine.replay -> engine; None outside the package or for zengzhi itself."""
    names = module.split(".")
    return names[1] if names[0] == "zengzhi" and len(names) > 1 else None


def _imported(tree: ast.AST, package: list[str]) -> Iterator[tuple[int, str]]:
    """(line, module) for every module an import names; `package` is the importing
    module's package (["zengzhi", "engine"]), to resolve relative imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module
            for alias in node.names:  # `from zengzhi import api` imports zengzhi.api
                yield node.lineno, f"{module}.{alias.name}"


def violations(sources: Path) -> list[str]:
    """Every import that breaks FORBIDDEN, as "path:line part -> part (module)", once a
    line and part; `sources` is the zengzhi package folder."""
    found: dict[tuple[str, int, str], str] = {}
    for path in sorted(sources.rglob("*.py")):
        relative = path.relative_to(sources.parent).with_suffix("")
        names = list(relative.parts)
        package = names[:-1]  # a module's, or an __init__'s own
        importer = _part(".".join(names))
        if importer is None:
            continue
        banned = FORBIDDEN.get(importer, frozenset())
        for line, module in _imported(ast.parse(path.read_text(), str(path)), package):
            target = _part(module)
            if target in banned:
                where = str(path.relative_to(sources.parent))
                found.setdefault(
                    (where, line, target), f"{where}:{line} {importer} -> {target} ({module})"
                )
    return [found[key] for key in sorted(found)]
