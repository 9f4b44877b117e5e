"""The arrows between the parts point one way (docs/architecture.md, "The arrows"): the
sources break none of them, and the checker does catch each kind of import that would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.arrows import FORBIDDEN, violations

SOURCES = Path(__file__).resolve().parents[1] / "src" / "zengzhi"


def test_no_part_of_the_sources_imports_what_it_must_not() -> None:
    assert violations(SOURCES) == []


def test_the_required_arrows_are_guarded() -> None:
    for pure in ("core", "rules", "engine"):
        assert {"store", "service", "api", "web", "sim"} <= FORBIDDEN[pure]
    assert "web" in FORBIDDEN["api"]
    assert {"api", "web"} <= FORBIDDEN["service"]


def _package(root: Path, files: dict[str, str]) -> Path:
    sources = root / "zengzhi"
    for name, text in files.items():
        path = sources / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return sources


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("engine/replay.py", "from zengzhi.store.spill import SpillStore\n", "engine -> store"),
        ("core/ledger.py", "def f():\n    import zengzhi.engine.state\n", "core -> engine"),
        ("rules/pool.py", "from ..sim import run\n", "rules -> sim"),
        ("engine/__init__.py", "from .. import service\n", "engine -> service"),
        ("api/__init__.py", "from zengzhi import web\n", "api -> web"),
        ("service/orders.py", "from zengzhi.deps import STATUS\n", "service -> deps"),
        ("service/x.py", "if TYPE_CHECKING:\n    from zengzhi.api import errors\n", "-> api"),
        ("web/pages.py", "from zengzhi.api.errors import ErrorBody\n", "web -> api"),
    ],
)
def test_the_checker_finds_a_forbidden_import(
    tmp_path: Path, name: str, text: str, found: str
) -> None:
    sources = _package(tmp_path, {name: text})
    (report,) = violations(sources)
    assert report.startswith(f"zengzhi/{name}:") and found in report


def test_the_checker_lets_the_allowed_arrows_through(tmp_path: Path) -> None:
    sources = _package(
        tmp_path,
        {
            "engine/replay.py": "from zengzhi.rules import pool\nfrom . import state\n",
            "service/audit.py": "from zengzhi.store.spill import SpillStore\n",
            "web/pages.py": "from zengzhi.deps import STATUS\n",
            "app.py": "from zengzhi import api, web\n",
            "cli.py": "import json\nfrom zengzhi.app import create_app\n",
        },
    )
    assert violations(sources) == []
