"""Every kind of ledger entry has words in both languages (report F3: `mode_funding`
and `union_credit` showed as stored on an order's movements)."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from zengzhi.core.ledger import EntryKind
from zengzhi.i18n import Translator


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_entry_kind_reads_as_words(language: str) -> None:
    t = Translator(language)
    missing = [kind.value for kind in EntryKind if not t.has(f"movement.{kind.value}")]
    assert missing == []
    assert t.named("movement", "mode_funding") != "mode_funding"


def test_a_pool_subsidy_is_not_called_a_mode_subsidy() -> None:
    # rules/pool.py books the operator's money into a pool as kind "subsidy"; the
    # three-for-one mode's promise is "subsidy_promised"
    assert Translator("zh").named("movement", "subsidy") == "积分池补贴"
    assert "pool" in Translator("en").named("movement", "subsidy")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_member_page_names_every_kind_of_wallet_movement(language: str) -> None:
    """The member's own list of wallet movements: the member page's words where it has
    them, else the console's; never the stored name (a reversal read 'mode_reversal'
    on a Chinese page)."""
    from datetime import UTC, datetime  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    from zengzhi.web.pages import templates  # noqa: PLC0415

    history = [
        SimpleNamespace(
            at=datetime(2026, 1, 1, tzinfo=UTC), kind=kind.value, amount="-1.00", params={}
        )
        for kind in EntryKind
    ]
    t = Translator(language)
    shown = templates.get_template("member/movements.html").render(
        t=t, lang=language, history=history
    )
    colon = ": " if language == "en" else "："  # the language's own (zh.toml movement_when)
    for kind in EntryKind:
        own = f"member.movement_{kind.value}"
        said = t(own) if t.has(own) else t(f"movement.{kind.value}")
        assert f"{colon}{escape(said)} <" in shown, kind.value
    if language == "zh":
        assert not re.search(r"[:：] ?[a-z_]+ <", shown)  # no stored name on a Chinese page
    assert t("member.movement_mode_reversal") in shown
