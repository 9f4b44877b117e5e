"""A mode a message names by its code is written by its name in English too, as the
Chinese sentence writes it through `{0:mode_name}` (docs/console.md): the English lint
said "the refer_three mode has no end date" where the Chinese said 推三返一模式没有结束日期.
The English names are en.toml's [mode_name] table; a value the table does not hold stays
as it is, and a message no catalogued sentence makes is unchanged."""

from __future__ import annotations

from zengzhi.i18n import Translator, translate_message
from zengzhi.rules.modes.common import MODES


def test_english_names_a_mode_by_its_english_name() -> None:
    t = Translator("en")
    for mode in MODES:
        name = t(f"mode_name.{mode}")
        assert name != f"mode_name.{mode}", mode
        said = translate_message("en", f"the {mode} mode has no end date: x")
        assert said == f"the {name} mode has no end date: x", said
        assert t.message(f"zone 'z' runs no {mode} mode") == f"zone 'z' runs no {name} mode"
    assert (
        translate_message("en", "the refer_three mode runs 400 days: too long")
        == "the refer three, refund one mode runs 400 days: too long"
    )
    # the zone's id, in another slot, stays; a value the table does not hold too
    assert (
        translate_message("en", "the union reserve of zone union cannot pay")
        == "the union queue reserve of zone union cannot pay"
    )
    assert translate_message("en", "zone 'z' runs no dividend mode") == (
        "zone 'z' runs no dividend mode"
    )
    # a field's prefix is kept
    assert translate_message("en", "modes.ads: the ads mode has no end date: x") == (
        "modes.ads: the ad-task points mode has no end date: x"
    )
    # a message no sentence makes, and the Chinese, as before
    assert translate_message("en", "the ads thing") == "the ads thing"
    assert translate_message("zh", "the ads mode has no end date: x").startswith("广告电商积分模式")
