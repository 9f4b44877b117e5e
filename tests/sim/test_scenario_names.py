"""A scenario's name is a name people read (the console's list of simulations, each
run's page and report heading): one line of visible characters, as its description is
(a note, e452aa3). It took a U+202E, which turned the rest of the list's line around,
and a zero-width space; refused naming `name`, in English and Chinese."""

from __future__ import annotations

import pytest

from zengzhi.core.errors import DomainError
from zengzhi.i18n import translate_message
from zengzhi.sim.scenario import load_scenario


@pytest.mark.parametrize(("shown", "character"), [("U+202E", "\u202e"), ("U+200B", "\u200b")])
def test_a_scenario_name_refuses_hidden_characters(shown: str, character: str) -> None:
    with pytest.raises(DomainError) as refused:
        load_scenario({"name": f"growth {character}lanif"})
    said = f"must not contain control or invisible format characters (found {shown})"
    assert (refused.value.field, refused.value.message) == ("name", said)
    assert translate_message("zh", said) == f"不能包含控制字符或不可见的格式字符（发现 {shown}）"


def test_a_scenario_name_in_any_language_is_taken() -> None:
    assert load_scenario({"name": "双十一 促销 (v2)"}).name == "双十一 促销 (v2)"
