"""Every kind of ledger entry has words in both languages (report F3: `mode_funding`
and `union_credit` showed as stored on an order's movements)."""

from __future__ import annotations

import pytest

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
