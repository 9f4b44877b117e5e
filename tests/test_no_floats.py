"""Money is exact: no float literal and no float() call in the sources.

The one exception is drawing: the chart module may style its figures with float
literals, and its `_pixels` function turns figures into floats for the plotting library.
"""

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "src" / "zengzhi"
CHARTS = SOURCES / "sim" / "report.py"


def test_the_sources_use_no_floats() -> None:
    found = []
    for path in sorted(SOURCES.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        drawing = [
            f
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and f.name == "_pixels" and path == CHARTS
        ]
        allowed = {id(node) for f in drawing for node in ast.walk(f)}
        for node in ast.walk(tree):
            literal = isinstance(node, ast.Constant) and isinstance(node.value, float)
            if literal and path != CHARTS:
                found.append(f"{path.name}:{node.lineno} float literal {node.value}")
            call = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float"
            if call and id(node) not in allowed:
                found.append(f"{path.name}:{node.lineno} float()")
    assert found == []
