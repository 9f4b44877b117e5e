"""Lint for the legal risk the seeds warn of, on the rules issue 19 added: rewards for
recruiting, more than three rewards up a chain, team accelerations at any depth, and a
closing campaign past m × boost < 1."""

from __future__ import annotations

from typing import Any

from zengzhi.engine.config import TenantConfig
from zengzhi.engine.lint import Finding, Severity, lint


def findings(data: dict[str, Any]) -> dict[str, Finding]:
    return {one.code: one for one in lint(TenantConfig.model_validate(data))}


def test_a_referrer_who_never_bought_earning_is_a_reward_for_recruiting() -> None:
    rates = {"commission": {"rates": ["0.003", "0.002"]}}
    found = findings({"distribution": rates})["distribution.recruiting_without_buying"]
    assert found.severity == Severity.INFO and "消费后成为推广员" in found.message
    buyers = {"commission": {"rates": ["0.003"], "promoter_after_purchase": True}}
    assert "distribution.recruiting_without_buying" not in findings({"distribution": buyers})


def test_the_recruiters_indirect_members_warn_and_count_as_a_level() -> None:
    recruiter = {"rate": "0.01", "indirect_members": True}
    two = findings(
        {"distribution": {"commission": {"rates": ["0.01", "0.005"]}, "recruiter": recruiter}}
    )
    assert two["distribution.recruitment_chain"].severity == Severity.WARNING
    assert "distribution.more_than_three_rewards" not in two
    three = {"commission": {"rates": ["0.01", "0.005", "0.001"]}, "recruiter": recruiter}
    found = findings({"distribution": three})["distribution.more_than_three_rewards"]
    assert "4 rewards" in found.message and "传销" in found.message
    plain = {"commission": {"rates": ["0.01", "0.005"]}, "recruiter": {"rate": "0.01"}}
    assert "distribution.recruitment_chain" not in findings({"distribution": plain})


def test_deep_mode_rewards_and_green_teams_warn() -> None:
    zone = {
        "ads": {"referral": ["0.2", "0.1", "0.05", "0.02"]},
        "green": {"team": ["0.1", "0.5"], "peer": "0.1"},
    }
    found = findings({"zones": {"z": zone}})
    assert found["modes.too_deep"].field == "zones.z.ads.referral"
    assert "平级" in found["modes.team_unlimited_depth"].message
    shallow = findings({"zones": {"z": {"ads": {}, "green": {}}}})
    assert "modes.too_deep" not in shallow and "modes.team_unlimited_depth" not in shallow


def test_a_campaign_boost_past_one_over_m_warns() -> None:
    campaign = {
        "starts": "2026-12-01T00:00:00+08:00",
        "ends": "2027-01-01T00:00:00+08:00",
        "boost": "1.5",
        "points": True,
    }
    found = findings({"zones": {"z": {"campaign": campaign}}})  # m = 0.7: 1.05
    assert found["modes.campaign_past_one"].field == "zones.z.campaign.boost"
    campaign["boost"] = "1.4"  # 0.98
    assert "modes.campaign_past_one" not in findings({"zones": {"z": {"campaign": campaign}}})
