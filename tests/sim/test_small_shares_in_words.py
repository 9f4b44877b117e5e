"""A share above nothing but under 0.01% reads "<0.01%" in the figures, but in a Chinese
sentence the "<" reads as a formula: 专区 combo 的工会排队模式……覆盖 <0.01%. The
report's sentences (the verdict, the findings) say it 不到 0.01%; English keeps
"<0.01%"; the figures tables keep "<0.01%" too."""

from __future__ import annotations

from dataclasses import replace

from tests.sim.test_cash_trend_words import COVERED
from zengzhi.i18n import Translator
from zengzhi.sim.verdict import ModeShortfall
from zengzhi.sim.verdict_text import below_smallest, verdict_lines


def test_a_tiny_cover_reads_in_chinese_words() -> None:
    short = ModeShortfall("union@combo", "15330600.00", "600.00", "0.00003913")
    found = replace(COVERED, kept=False, short_modes=(short,))
    chinese = "\n".join(verdict_lines(found, Translator("zh")))
    assert "（覆盖不到 0.01%）" in chinese and "<0.01%" not in chinese, chinese
    assert "<0.01%" in "\n".join(verdict_lines(found, Translator("en")))


def test_only_the_smallest_share_is_reworded() -> None:
    zh = Translator("zh")
    assert below_smallest("出局的会员占 <0.01%。", zh) == "出局的会员占不到 0.01%。"
    assert below_smallest("share <0.01%", Translator("en")) == "share <0.01%"
    assert below_smallest("覆盖 0.01%，<1", zh) == "覆盖 0.01%，<1"
