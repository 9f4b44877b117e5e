"""Which Chromium the browser tests drive, and what they say when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM_ENV, find_chromium


@pytest.fixture
def browsers(tmp_path: Path) -> dict[str, str]:
    made = {}
    for name in ("named", "system", "playwright"):
        path = tmp_path / name / "chrome"
        path.parent.mkdir()
        path.write_text("#!/bin/sh\n")
        made[name] = str(path)
    return made


def test_the_named_one_then_the_systems_then_playwrights(browsers: dict[str, str]) -> None:
    named = {CHROMIUM_ENV: browsers["named"]}
    assert find_chromium(browsers["playwright"], named, browsers["system"]) == browsers["named"]
    assert find_chromium(browsers["playwright"], {}, browsers["system"]) == browsers["system"]
    assert find_chromium(browsers["playwright"], {}, "/nowhere/chromium") == browsers["playwright"]
    assert find_chromium(None, {}, browsers["system"]) == browsers["system"]


def test_without_one_it_says_in_one_line_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(LookupError) as none:
        find_chromium(str(tmp_path / "ms-playwright" / "chrome"), {}, "/nowhere/chromium")
    said = str(none.value)
    assert "\n" not in said
    assert "python -m playwright install chromium" in said
    assert "apt-get install chromium" in said
    assert CHROMIUM_ENV in said


def test_a_named_one_that_is_missing_is_not_passed_over(browsers: dict[str, str]) -> None:
    missing = {CHROMIUM_ENV: "/nowhere/chrome"}
    with pytest.raises(LookupError) as none:
        find_chromium(browsers["playwright"], missing, browsers["system"])
    said = str(none.value)
    assert "\n" not in said
    assert said.startswith(f"{CHROMIUM_ENV}=/nowhere/chrome does not exist")
    assert "python -m playwright install chromium" in said
