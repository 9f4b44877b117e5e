"""Money is exact: no float literal and no float() call anywhere in the sources."""

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "src" / "zengzhi"


def test_the_sources_use_no_floats() -> None:
    found = []
    for path in sorted(SOURCES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                found.append(f"{path.name}:{node.lineno} float literal {node.value}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                found.append(f"{path.name}:{node.lineno} float()")
    assert found == []
