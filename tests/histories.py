"""Random tenant histories that mix every rule, for property tests.

A history is a configuration (a pool, distribution, a zone running a random choice of
the companion modes, a second zone with a cumulative three-for-one queue, a third open
only to the second's buyers) and a list of steps (orders in and out of zones, on one or
two lines; sales; subsidies; changes of the exit multiple, of the zone's modes' terms and
of the commission rates; imports; ad tasks; daily runs; withdrawals, rejected or paid;
reversals of earlier orders at random points). Issue 19's rules come in too: rewards
paid in cash or into the contribution balance, promoters only after a purchase, a
recruiter (with a recruited store's members as indirect members) and agents, the team's
and green points' peer shares (平级), dividends weighted by shares or contribution, the
closing campaign's boost of appreciation points, a product's own union values,
advertisers' income into the ad reserve, agents paid on ad releases, the operator's
conversions of contribution (into cash, shares or points, so that reversals
fall before and after them) and support moving a member's referees after a report.

`event_lines` writes them as the event log `zengzhi replay`
reads, so the same history runs through the engine in memory (the unit tests) or, step
by step, through the service's use cases (tests/service). A rule added later gets these
histories for free by adding its settings and steps here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

MEMBERS = [f"m{n}" for n in range(6)]
START = date(2026, 11, 2)
MODES = ("refer_three", "ads", "quota", "green", "union", "three_for_one", "shopping")


@dataclass
class History:
    config: dict[str, Any]
    links: list[tuple[str, str | None]]
    steps: list[tuple[Any, ...]]
    lines: list[dict[str, Any]] = field(default_factory=list)

    def orders(self) -> list[str]:
        return [line["id"] for line in self.lines if line["type"] == "order"]


def at(day: int, step: int) -> str:
    moment = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    return (moment + timedelta(hours=2, seconds=step)).isoformat()


def _mode_settings(draw: st.DrawFn, mode: str) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "funding": draw(st.sampled_from(["0.05", "0.3", "1"])),
        "backed": draw(st.booleans()),
    }
    extra: dict[str, dict[str, Any]] = {
        "refer_three": {
            "release_days": draw(st.sampled_from([0, 2])),
            "count": draw(st.sampled_from(["people", "purchases"])),
            "partial": draw(st.booleans()),
        },
        "ads": {"ratio": "1"} | draw(st.sampled_from([{}, {"agents": {"city": "0.05"}}])),
        "quota": {"spend_per_share": "500", "referral_spend_per_share": "1000"},
        "green": draw(
            st.sampled_from(
                [{"team": []}, {"team": ["0.05", "0.1"]}, {"team": ["0.05", "0.1"], "peer": "0.1"}]
            )
        ),
        "union": {"lock_days": draw(st.integers(0, 2))},
        "three_for_one": {"threshold": "300", "every": draw(st.sampled_from([3, 2, 5]))},
        "shopping": {"gift": "1", "max_share": "0.5", "rebate": "0.2"},
    }
    return terms | extra[mode]


@st.composite
def _rezone(draw: st.DrawFn, modes: list[str]) -> tuple[str, dict[str, Any]]:
    """The operator changes zone z's modes' terms mid-way (the same modes, new figures)."""
    return ("rezone", {mode: _mode_settings(draw, mode) for mode in modes})


@st.composite
def histories(draw: st.DrawFn, max_steps: int = 40, min_steps: int | None = None) -> History:
    modes = draw(st.sets(st.sampled_from(MODES), min_size=1))
    ends = draw(st.sampled_from([None, 3]))  # the zone's period may end on day 3
    zone: dict[str, Any] = {mode: _mode_settings(draw, mode) for mode in sorted(modes)}
    if ends is not None:
        zone["ends"] = at(ends, 0)
    if draw(st.booleans()):  # a closing campaign on days 0 and 1 boosts points too
        zone["campaign"] = {"starts": at(0, 0), "ends": at(2, 0), "boost": "1.5", "points": True}
    pay_in = st.sampled_from(["cash", "contribution"])
    pool: dict[str, Any] = {
        "exit_multiple": draw(st.sampled_from(["1.2", "2", "3"])),
        "mint_ratio": draw(st.sampled_from(["0.7", "0.5"])),
        "sell_fee": draw(st.sampled_from(["0.2", "0"])),
    }
    config: dict[str, Any] = {
        "pool": pool,
        "distribution": {
            "commission": {
                "rates": ["0.01", "0.005"],
                "pay_in": draw(pay_in),
                "promoter_after_purchase": draw(st.booleans()),
            },
            "recruiter": {
                "rate": "0.01",
                "pay_in": draw(pay_in),
                "indirect_members": draw(st.booleans()),
            },
            "agents": {
                "mode": draw(st.sampled_from(["differential", "flat"])),
                "rates": {"city": "0.002", "province": "0.003"},
                "pay_in": draw(pay_in),
            },
            "team": {
                "levels": [
                    {"performance": "500", "rate": "0.02"},
                    {"performance": "3000", "rate": "0.05"},
                ],
                "peer_share": draw(st.sampled_from([None, "0.1"])),
                "pay_in": draw(pay_in),
            },
            "dividends": [
                {
                    "name": "holders",
                    "share": "0.05",
                    "min_level": 0,
                    "split": draw(st.sampled_from(["contribution", "shares"])),
                }
            ],
            "overflow": "platform",
        },
        "zones": {
            "z": zone,
            "c": {"three_for_one": {"threshold": "500", "funding": "0.5", "cumulative": True}},
            # seed 002 二.4: a repurchase zone open to the buyers of zone c only
            "r": {
                "three_for_one": {"threshold": "300", "funding": "0.3"},
                "requires": {"zones": ["c"]},
            },
        },
    }
    links: list[tuple[str, str | None]] = [(MEMBERS[0], None)]
    links += [(MEMBERS[n], draw(st.sampled_from([None, *MEMBERS[:n]]))) for n in range(1, 6)]
    member = st.sampled_from(MEMBERS)
    steps_of = {
        "buy": st.tuples(
            st.just("buy"),
            member,
            st.integers(1, 1500),  # yuan
            st.sampled_from([0, 10, 30]),  # % of it into the pool
            st.sampled_from([None, "z", "z", "c", "r"]),
            st.integers(1, 2),  # lines
            st.sampled_from([None, None, "广东/深圳/南山"]),  # the region its agents cover
            st.sampled_from([None, None, MEMBERS[5]]),  # the recruiter of its store
            st.booleans(),  # a product with its own union values
            st.sampled_from([0, 0, 0, 50, 100]),  # % of the shopping points held it spends
        ),
        "sell": st.tuples(st.just("sell"), member, st.sampled_from([1, 2, 4])),  # quarters
        "subsidy": st.tuples(st.just("subsidy"), st.integers(1, 3000)),
        "configure": st.tuples(st.just("configure"), st.sampled_from(["1.2", "1.5", "2", "3"])),
        # the operator changes another pool parameter mid-way: a campaign's mint ratio, the
        # sell fee, a pause of issuance and its end, the forced exit off
        "reparam": st.tuples(
            st.just("reparam"),
            st.sampled_from(
                [
                    ("mint_ratio", "0.9"),
                    ("mint_ratio", "0.5"),
                    ("sell_fee", "0"),
                    ("sell_fee", "0.5"),
                    ("minting_enabled", False),
                    ("minting_enabled", True),
                    ("exit_multiple", None),
                ]
            ),
        ),
        # an order paid and then refunded (or cancelled) before it completes: no pool moves
        "refund": st.tuples(st.just("refund"), member, st.integers(1, 1500), st.booleans()),
        "import": st.tuples(st.just("import"), member, st.integers(0, 500), st.integers(1, 200)),
        "task": st.tuples(st.just("task"), member),
        "day": st.tuples(st.just("day")),
        "withdraw": st.tuples(st.just("withdraw"), member),
        # finance rejects or pays an earlier withdrawal (a reversal may fall in between)
        "finance": st.tuples(st.just("finance"), st.integers(0, 20), st.booleans()),
        "reverse": st.tuples(st.just("reverse"), st.integers(0, 50)),
        "convert": st.one_of(
            st.tuples(st.just("convert"), st.just("cash"), st.sampled_from(["0.5", "1", "1.25"])),
            st.tuples(st.just("convert"), st.just("shares"), st.sampled_from(["0.0005", "0.01"])),
            st.tuples(st.just("convert"), st.just("points"), st.sampled_from(["0.5", "1"])),
        ),
        "rebind": st.tuples(st.just("rebind"), member, member),  # a member's referees, to…
        "income": st.tuples(st.just("income"), st.integers(1, 2000)),
        "dividend": st.tuples(st.just("dividend")),
        "rezone": _rezone(sorted(modes)),
        # the operator changes the commission rates mid-way
        "rerate": st.tuples(st.just("rerate"), st.sampled_from([["0.02", "0.01"], ["0.005"]])),
    }
    # how often each comes: a history is mostly orders, with their reversals
    weights = {"buy": 8, "reverse": 3, "sell": 2, "day": 2, "task": 2, "convert": 2}
    weights |= {"withdraw": 2, "finance": 2}  # a reversal between asking and deciding
    kinds = [kind for kind in steps_of for _ in range(weights.get(kind, 1))]
    step = st.sampled_from(kinds).flatmap(steps_of.__getitem__)
    least = max_steps // 3 if min_steps is None else min_steps
    steps = draw(st.lists(step, min_size=least, max_size=max_steps))
    return History(config, links, steps)


def _split(amount: int, percent: int) -> dict[str, str]:
    contribution = amount * percent // 100
    return {
        "cost": "0.00",
        "distribution": f"{amount * 5 // 100}.00",
        "platform": f"{amount - contribution - amount * 5 // 100}.00",
        "contribution": f"{contribution}.00",
    }


@dataclass
class Holdings:
    """What members hold before a step (fen in wallets, point units in the pool), for
    steps whose figures the log cannot know: a quarter of one's points, a whole wallet."""

    wallets: dict[str, int] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    shopping: dict[str, int] = field(default_factory=dict)  # shopping points' units


def event_lines(history: History, held: Holdings | None = None) -> list[dict[str, Any]]:
    """The history as event-log objects. Without `held` a step guesses its figures, and
    the engine may refuse them, which a refused event shows (it must change nothing)."""
    lines: list[dict[str, Any]] = []
    for n, (member, referrer) in enumerate(history.links):
        join: dict[str, Any] = {"type": "join", "id": f"join{n}", "member": member}
        if referrer is not None:
            join["referrer"] = referrer
        lines.append(join)
    lines += [
        {
            "type": "agent",
            "id": "agent-city",
            "member": MEMBERS[1],
            "region": "广东/深圳",
            "level": "city",
        },
        {
            "type": "agent",
            "id": "agent-province",
            "member": MEMBERS[2],
            "region": "广东",
            "level": "province",
        },
    ]
    day = 0
    for n, step in enumerate(history.steps):
        lines += step_lines(history, n, step, day, lines, held)
        if step[0] == "day":
            day += 1
    history.lines = lines
    return lines


def _change(history: History, n: int, step: tuple[Any, ...], when: str) -> dict[str, Any]:
    """The operator changes a setting mid-way: the exit multiple, zone z's terms (its
    period and campaign kept), the commission rates."""
    kind, change = step
    if kind == "configure":
        return {"type": "configure", "id": f"c{n}", "exit_multiple": change, "at": when}
    if kind == "reparam":
        name, value = change
        return {"type": "configure", "id": f"c{n}", name: value, "at": when}
    if kind == "rezone":
        zone = history.config["zones"]["z"]
        kept = {key: value for key, value in zone.items() if key in ("ends", "campaign")}
        settings = change | kept
        return {"type": "zone", "id": f"zc{n}", "zone": "z", "settings": settings, "at": when}
    settings = json.loads(json.dumps(history.config["distribution"]))
    settings["commission"]["rates"] = change
    return {"type": "distribution", "id": f"dc{n}", "settings": settings, "at": when}


def _withdrawal(
    n: int, step: tuple[Any, ...], when: str, before: list[dict[str, Any]], held: Holdings | None
) -> list[dict[str, Any]]:
    """A member asks to withdraw the whole wallet; or finance rejects or pays an earlier
    withdrawal (a reversal may have fallen in between)."""
    if step[0] == "withdraw":
        member = step[1]
        fen = held.wallets.get(member, 0) if held else 100
        if fen <= 0:
            return []
        amount = f"{fen // 100}.{fen % 100:02d}"
        return [{"type": "withdraw", "id": f"w{n}", "member": member, "amount": amount}]
    asked = [line["id"] for line in before if line["type"] == "withdraw"]
    if not asked:
        return []
    chosen, reject = asked[step[1] % len(asked)], step[2]
    decided = "withdraw_reject" if reject else "withdraw_pay"
    return [{"type": decided, "id": f"f{n}", "withdrawal": chosen, "at": when}]


def _shopping_points(member: str, yuan: int, spend: int, held: Holdings | None) -> dict[str, str]:
    """`spend` % of the member's shopping points (a guess without `held`), within the
    zone's cap (half the price) and in whole fen: what an order in zone z pays in them."""
    units = held.shopping.get(member, 0) if held else 1_000_000
    points = min(units * spend // 100, yuan * 10_000 // 2) // 100 * 100
    if points <= 0:
        return {}
    return {"shopping_points": f"{points // 10_000}.{points % 10_000:04d}"}


def step_lines(
    history: History,
    n: int,
    step: tuple[Any, ...],
    day: int,
    before: list[dict[str, Any]],
    held: Holdings | None = None,
) -> list[dict[str, Any]]:
    kind, *args = step
    when = at(day, n)
    if kind == "buy":
        member, yuan, percent, zone, parts, region, recruiter, own, spend = args
        amounts = [yuan] if parts == 1 else [yuan // 2 + 1, yuan - yuan // 2 - 1]
        order_lines = []
        for amount in amounts:
            if amount <= 0:
                continue
            line: dict[str, Any] = {"amount": f"{amount}.00", "split": _split(amount, percent)}
            if zone is not None:
                line["zone"] = zone
            if own and zone == "z" and "union" in history.config["zones"]["z"]:
                line["modes"] = {"union": "1.1", "union_funding": "0.6", "union_dynamic": "0.3"}
            order_lines.append(line)
        if not order_lines:
            return []
        placed: dict[str, Any] = {"region": region} if region else {}
        if recruiter is not None and recruiter != member:
            placed["recruiter"] = recruiter
        if spend and zone == "z" and "shopping" in history.config["zones"]["z"]:
            placed |= _shopping_points(member, yuan, spend, held)
        return [
            {
                "type": "order",
                "id": f"o{n}",
                "member": member,
                "lines": order_lines,
                "at": when,
                **placed,
            }
        ]
    if kind == "sell":
        member, quarters = args
        units = (held.points.get(member, 0) if held else 400_000) * quarters // 4
        if units <= 0:
            return []
        points = "all" if quarters == 4 else f"{units // 10_000}.{units % 10_000:04d}"
        return [{"type": "sell", "id": f"s{n}", "member": member, "points": points, "at": when}]
    if kind == "subsidy":
        return [{"type": "subsidy", "id": f"x{n}", "amount": f"{args[0]}.00", "at": when}]
    if kind in ("configure", "reparam", "rezone", "rerate"):
        return [_change(history, n, step, when)]
    if kind == "refund":  # never completed: nothing in the event log (the service's own)
        member, yuan, paid = args
        return [
            {
                "type": "refund",
                "id": f"q{n}",
                "member": member,
                "amount": f"{yuan}.00",
                "paid": paid,
            }
        ]
    if kind == "import":
        member, principal, contribution = args
        return [
            {
                "type": "import",
                "id": f"i{n}",
                "member": member,
                "principal": f"{principal}.00",
                "contribution": f"{contribution}.00",
                "at": when,
            }
        ]
    if kind == "task":
        task_day = (START + timedelta(days=day)).isoformat()
        task = {"type": "task", "id": f"t{n}", "member": args[0], "zone": "z", "day": task_day}
        return [task | ({"region": "广东/深圳/南山"} if n % 2 else {})]
    if kind == "day":
        run_day = (START + timedelta(days=day)).isoformat()
        return [
            {"type": "day", "id": f"d{n}-{zone}", "zone": zone, "day": run_day}
            for zone in ("c", "z")
        ]
    if kind in ("withdraw", "finance"):
        return _withdrawal(n, step, when, before, held)
    if kind == "reverse":
        orders = [line["id"] for line in before if line["type"] == "order"]
        if not orders:
            return []
        return [
            {"type": "reverse", "id": f"r{n}", "order": orders[args[0] % len(orders)], "at": when}
        ]
    if kind == "convert":
        into, rate = args
        line = {"type": "convert", "id": f"v{n}", "into": into, "rate": rate, "reason": "test"}
        return [line | ({"pool": "main"} if into == "points" else {}) | {"at": when}]
    if kind == "rebind":
        owner, reporter = args
        return [
            {
                "type": "reassign_referees",
                "id": f"b{n}",
                "member": owner,
                "referrer": reporter,
                "reason": "report",
                "at": when,
            }
        ]
    if kind == "income":
        if "ads" not in history.config["zones"]["z"]:
            return []
        return [
            {
                "type": "mode_income",
                "id": f"a{n}",
                "zone": "z",
                "mode": "ads",
                "amount": f"{args[0]}.00",
                "source": "an advertiser",
                "at": when,
            }
        ]
    if kind == "dividend":
        start = START + timedelta(days=day)
        return [
            {
                "type": "dividend",
                "id": f"dv{n}",
                "plan": "holders",
                "start": start.isoformat(),
                "end": (start + timedelta(days=1)).isoformat(),
            }
        ]
    raise AssertionError(kind)


def text(line: dict[str, Any]) -> str:
    return json.dumps(line)


def through_the_service(max_examples: int) -> settings:
    """Hypothesis' settings for histories run through the service: the same examples
    every run (a service test's time stays known), no shrinking (each step is a command:
    the first failure is shown as found), no deadline, fixtures kept across examples
    (each example opens a tenant of its own)."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )
