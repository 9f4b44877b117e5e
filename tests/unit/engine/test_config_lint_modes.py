"""The companion modes' lint: each finding, and a configuration that draws none."""

from __future__ import annotations

from typing import Any

import pytest

from zengzhi.engine.config import load_config
from zengzhi.engine.lint import lint
from zengzhi.engine.lint_registry import Severity

PRODUCT = {"price": "1000.00", "cost": "300.00", "platform": "400.00", "contribution": "300.00"}


def findings(zone: dict[str, Any], **product: Any) -> dict[str, tuple[Severity, str, str]]:
    config = load_config(
        {"zones": {"z": zone}, "products": {"p": {**PRODUCT, "zone": "z", **product}}}
    )
    return {
        one.code: (one.severity, one.field, one.message)
        for one in lint(config)
        if one.code.startswith("modes.")
    }


END = {"starts": "2026-12-01T00:00:00+08:00", "ends": "2027-06-01T00:00:00+08:00"}


def test_a_funded_bounded_mode_draws_nothing() -> None:
    assert findings({"union": {"funding": "0.3", "credit": "0.2", **END}}) == {}


def test_green_points_at_3x_are_a_static_return_beyond_spend() -> None:
    found = findings({"green": {"multiple": "3", "funding": "0.3", **END}})
    severity, field, message = found["modes.static_return"]
    assert (severity, field) == (Severity.WARNING, "zones.z.green")
    assert "300.0%" in message and "静态盈利不要超过消费金额" in message
    severity, field, message = found["modes.underfunded"]
    assert (severity, field) == (Severity.WARNING, "zones.z.green.funding")
    assert "10.0%" in message  # 30% of the order for 300% promised


def test_a_guaranteed_static_return_is_an_error() -> None:
    found = findings({"ads": {"ratio": "1.1", "backed": True, **END}})
    severity, field, message = found["modes.guaranteed_static_return"]
    assert (severity, field) == (Severity.ERROR, "zones.z.ads")
    assert "保本保收益" in message


def test_a_cash_mode_with_no_funding_and_no_backing_is_an_error() -> None:
    found = findings({"three_for_one": {**END}})
    severity, field, _ = found["modes.unfunded"]
    assert (severity, field) == (Severity.ERROR, "zones.z.three_for_one.funding")


def test_funding_beyond_the_platform_share_of_a_product() -> None:
    zone = {
        "union": {"funding": "0.3", "credit": "0.2", **END},
        "refer_three": {"funding": "0.2", **END},
    }
    severity, field, message = findings(zone)["modes.funding_beyond_profit"]
    assert (severity, field) == (Severity.WARNING, "products.p")
    assert "50.0%" in message and "40.0%" in message


@pytest.mark.parametrize(
    ("period", "code"),
    [
        ({}, "modes.no_end"),
        ({"starts": END["starts"], "ends": "2028-01-01T00:00:00+08:00"}, "modes.over_a_year"),
    ],
)
def test_a_mode_should_not_run_over_a_year(period: dict[str, str], code: str) -> None:
    found = findings({"union": {"funding": "0.3", "credit": "0.2", **period}})
    severity, field, message = found[code]
    assert (severity, field) == (Severity.INFO, "zones.z.union.ends")
    assert "不要一个模式玩一年以上" in message
