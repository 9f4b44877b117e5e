"""Refer three, refund one (spec 03 A) under reversals, property-tested: random
histories of one zone's refer-three mode (either base, counting people or purchases,
cycling or a round or two, refunds at once or over days, a reserve that may run
short), members referred in two levels (so that a referee is a consumer-merchant too),
purchases at three prices (packages bought again, at the same price or another),
daily runs and reversals at random points, run through the event log's replay.

After every event the books balance per asset, every balance is its postings and the
claims are the holdings. At the end: the log replays to the same state, every claim a
reversed order made is void, and what each member gained (paid, less debts, plus what
is still owed: the reserve's timing aside) is the same

- whichever of two equal purchases (a purchase and its twin, bought just after it) is
  reversed (docs/modes.md, "A. Refer three");
- whichever of two purchases is reversed first;
- after the last purchase is reversed, as before it was made.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_reversal_algebra import reversed_orders_promise_nothing
from zengzhi.core import accounts
from zengzhi.core.ledger import CNY, Entry, MemoryLedger, audit
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.replay import Replay, ReplayError
from zengzhi.engine.snapshot import check, snapshot
from zengzhi.rules.modes import refer_three

LINKS = [("A", None), ("B", "A"), ("C", "A"), ("D", "A"), ("E", "A"), ("F", "B"), ("G", "B")]
MEMBERS = [member for member, _ in LINKS]
START = date(2026, 11, 2)
ZONE = "g"

Line = dict[str, Any]


def _at(day: int, n: int) -> str:
    moment = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    return (moment + timedelta(hours=2, seconds=n)).isoformat()


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    return {"zones": {ZONE: {"refer_three": draw(terms())}}}


@st.composite
def terms(draw: st.DrawFn) -> dict[str, Any]:
    mode: dict[str, Any] = {
        "funding": draw(st.sampled_from(["1", "0.3", "0.05"])),
        "backed": draw(st.booleans()),
        "base": draw(st.sampled_from(["package", "order"])),
        "count": draw(st.sampled_from(["people", "purchases"])),
        "rounds": draw(st.sampled_from([None, 1, 2])),
        "release_days": draw(st.sampled_from([0, 2])),
        "partial": draw(st.booleans()),
    }
    if draw(st.booleans()):
        mode["schedule"] = ["0.10", "0.20", "0.30", "0.40"]
    return mode


@st.composite
def histories(draw: st.DrawFn) -> tuple[dict[str, Any], list[Line]]:
    """A configuration and its event lines: joins, then purchases, daily runs, changes
    of the mode's terms and reversals of earlier purchases."""
    config = draw(configs())
    lines: list[Line] = [
        {"type": "join", "id": f"j{n}", "member": member}
        | ({"referrer": referrer} if referrer else {})
        for n, (member, referrer) in enumerate(LINKS)
    ]
    day, orders = 0, []
    weights = ["buy"] * 5 + ["reverse"] * 2 + ["day", "rezone"]
    for n in range(draw(st.integers(6, 28))):
        kind = draw(st.sampled_from(weights))
        if kind == "buy" or not orders:
            member = draw(st.sampled_from(["A", "A", "B", *MEMBERS]))
            lines.append(order(f"o{n}", member, draw(st.sampled_from([300, 500, 1000])), day, n))
            orders.append(f"o{n}")
        elif kind == "reverse":
            target = orders.pop(draw(st.integers(0, len(orders) - 1)))
            lines.append(reverse(f"r{n}", target, day, n))
        elif kind == "rezone":  # the operator changes the terms mid-way, not the count
            # (counting people, then purchases, a purchase that waited may take a place it
            # could not when it was freed: not dealt again until a reversal, docs/modes.md)
            count = config["zones"][ZONE]["refer_three"]["count"]
            settings = {"refer_three": draw(terms()) | {"count": count}}
            lines.append({"type": "zone", "id": f"z{n}", "zone": ZONE, "settings": settings})
        else:
            lines.append({"type": "day", "id": f"d{n}", "zone": ZONE, "day": _day(day)})
            day += 1
    return config, lines


def _day(day: int) -> str:
    return (START + timedelta(days=day)).isoformat()


def order(name: str, member: str, yuan: int, day: int, n: int) -> Line:
    split = {
        "cost": "0.00",
        "distribution": "0.00",
        "platform": f"{yuan}.00",
        "contribution": "0.00",
    }
    line = {"amount": f"{yuan}.00", "split": split, "zone": ZONE}
    return {"type": "order", "id": name, "member": member, "lines": [line], "at": _at(day, n)}


def reverse(name: str, target: str, day: int, n: int) -> Line:
    return {"type": "reverse", "id": name, "order": target, "at": _at(day, n)}


class Driven:
    """Lines fed one by one to the engine in memory, the books checked after each."""

    def __init__(self, config: dict[str, Any], *, checked: bool = True) -> None:
        self.config = config
        self.journal: list[Entry] = []
        self.replay = Replay(
            TenantConfig.model_validate(config), lambda done: self.journal.extend(done.entries)
        )
        self.applied: list[Line] = []
        self.checked = checked

    @property
    def ledger(self) -> MemoryLedger:
        ledger = self.replay.state.ledger
        assert isinstance(ledger, MemoryLedger)
        return ledger

    def feed(self, line: Line) -> bool:
        before = snapshot(self.replay.state) if self.checked else None
        try:
            self.replay.feed(len(self.applied) + 1, json.dumps(line))
        except ReplayError:  # a reversal of a reversed order, say: refused, no change
            if before is not None:
                assert snapshot(self.replay.state) == before, line
            return False
        self.applied.append(line)
        if self.checked:
            self.sound()
        return True

    def run(self, lines: list[Line]) -> Driven:
        for line in lines:
            self.feed(line)
        return self

    def sound(self) -> None:
        assert check(self.replay.state) == []
        assert audit(self.ledger.balances, self.journal) == []
        for (account, asset), amount in self.ledger.balances.items():
            if account.startswith("mode:") and account.endswith(":reserve"):
                assert asset != CNY or amount >= 0, (account, amount)

    def gained(self) -> dict[str, int]:
        """Each member's refunds paid, less debts, plus what is still owed, in fen."""
        ledger = self.ledger
        found = {}
        for member in MEMBERS:
            holding = accounts.mode_holding(member, ZONE, "refer_three")
            found[member] = (
                ledger.balance(accounts.wallet(member), CNY)
                + ledger.balance(accounts.debt(member), CNY)
                + ledger.balance(holding, f"REFUND:{ZONE}")
            )
        return found

    def live_orders(self) -> list[str]:
        gone = {line["order"] for line in self.applied if line["type"] == "reverse"}
        orders = [line["id"] for line in self.applied if line["type"] == "order"]
        return [one for one in orders if one not in gone]


def _then(config: dict[str, Any], lines: list[Line], *more: Line) -> Driven:
    driven = Driven(config, checked=False)
    driven.run(lines)
    for line in more:
        assert driven.feed(line), line
    driven.sound()
    return driven


SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(history=histories())
def test_the_books_hold_and_replay_and_reversed_orders_promise_nothing(
    history: tuple[dict[str, Any], list[Line]],
) -> None:
    config, lines = history
    driven = Driven(config).run(lines)
    state = driven.replay.state
    reversed_orders_promise_nothing(driven.replay, driven.applied)
    again = Replay(TenantConfig.model_validate(config))
    for number, line in enumerate(driven.applied, 1):
        again.feed(number, json.dumps(line))
    assert json.dumps(snapshot(again.state), sort_keys=True) == json.dumps(
        snapshot(state), sort_keys=True
    )


@SETTINGS
@given(history=histories(), data=st.data())
def test_either_of_two_equal_purchases_reversed_ends_the_same(
    history: tuple[dict[str, Any], list[Line]], data: st.DataObject
) -> None:
    """A purchase and its twin (the same member, amount and moment, just after it):
    reversing one or the other at the end leaves every member the same, when the twin
    took no place of its own. Counting people that is the rule: the twin counts in the
    cycle the first counted in. A twin that took a place (the first took the cycle's
    last place, or counting purchases) is a referral of its own: a reversal gives back
    the place it holds, and the others keep their rates (docs/modes.md)."""
    config, lines = history
    orders = [n for n, line in enumerate(lines) if line["type"] == "order"]
    n = data.draw(st.sampled_from(orders))
    twin = dict(lines[n], id=f"{lines[n]['id']}-twin")
    lines = [*lines[: n + 1], twin, *lines[n + 1 :]]
    if lines[n]["id"] in {line.get("order") for line in lines}:
        return  # reversed already in the history
    record = Driven(config, checked=False).run(lines).replay.state.orders.get(twin["id"])
    assert record is not None
    if any(effect.kind in ("claim", "place") for effect in record.modes):
        return  # a referral of its own
    if any(effect.kind == "waiting" for effect in record.modes) and any(
        line["type"] == "reverse" for line in lines[n + 2 :]
    ):
        # the twins wait for a place, and a reversal since freed one: the first of them
        # took it in the other's stead, and they are no longer alike (docs/modes.md;
        # found by CI's draw on 2026-12-07: C's purchase reversed after B's twins)
        return
    theirs = {line["id"] for line in lines if line.get("member") == twin["member"]}
    if any(line.get("order") in theirs for line in lines[n + 2 :]):
        # another purchase of theirs reversed since: the twin may hold its place in its
        # stead, and the twins are no longer alike (docs/modes.md, what is not promised)
        return
    ends = [
        _then(config, lines, reverse(f"undo-{one}", one, 9, 0)).gained()
        for one in (lines[n]["id"], twin["id"])
    ]
    assert ends[0] == ends[1]


@SETTINGS
@given(history=histories(), data=st.data())
def test_two_purchases_reversed_in_either_order_end_the_same(
    history: tuple[dict[str, Any], list[Line]], data: st.DataObject
) -> None:
    config, lines = history
    live = Driven(config, checked=False).run(lines).live_orders()
    if len(live) < 2:
        return
    first = data.draw(st.sampled_from(live))
    second = data.draw(st.sampled_from([one for one in live if one != first]))
    buyer = {line["id"]: line["member"] for line in lines if line["type"] == "order"}
    if buyer[first] == buyer[second] and any(
        buyer[one] == buyer[first] and one not in (first, second) for one in live
    ):
        # two purchases of one referee reversed while another of theirs may wait: the
        # first reversal's place goes to it in its stead, for good, and the second's
        # stays free, so the two orders leave it in different places (docs/modes.md,
        # "What is not promised"; found at 300 random examples, 2026-12-05)
        return
    ends = [
        _then(
            config, lines, reverse(f"undo-{one}", one, 9, 0), reverse(f"undo-{two}", two, 9, 1)
        ).gained()
        for one, two in ((first, second), (second, first))
    ]
    assert ends[0] == ends[1]


@SETTINGS
@given(history=histories(), member=st.sampled_from(MEMBERS), yuan=st.sampled_from([300, 1000]))
def test_the_last_purchase_reversed_leaves_everyone_as_before_it(
    history: tuple[dict[str, Any], list[Line]], member: str, yuan: int
) -> None:
    config, lines = history
    before = _then(config, lines).gained()
    last = order("last", member, yuan, 9, 0)
    after = _then(config, lines, last, reverse("undo-last", "last", 9, 1)).gained()
    assert after == before


@SETTINGS
@given(history=histories())
def test_a_member_s_places_as_the_page_reads_them_agree_with_the_books(
    history: tuple[dict[str, Any], list[Line]],
) -> None:
    """What the member page says of each member's places (`refer_three.standing`) after
    any history: it reads, never raises; what it says paid and owed is the package's
    claims'; a place is said emptied only in a history that reversed something, and with
    no reversal every place below the count is filled; nothing is owed past the refunds'
    own amounts; and the member's whole holding covers what it says is owed."""
    config, lines = history
    driven = Driven(config, checked=False).run(lines)
    book = driven.replay.state.modes
    params = book.zones()[ZONE].refer_three
    assert params is not None
    reversed_any = any(line["type"] == "reverse" for line in driven.applied)
    for member in MEMBERS:
        held = refer_three.standing(book, ZONE, params, member)
        if held is None:
            continue
        assert held.package > 0 and held.refunded >= 0 and held.owed >= 0
        holding = accounts.mode_holding(member, ZONE, "refer_three")
        assert driven.ledger.balance(holding, f"REFUND:{ZONE}") >= held.owed, member
        assert [place.place for place in held.places] == list(range(len(held.places)))
        for place in held.places:
            if place.refund is not None:
                assert place.filled and 0 <= place.refund.left <= place.refund.amount
            if not reversed_any:
                assert not place.vacated, (member, place)
        if not reversed_any:
            filled = [place.filled for place in held.places]
            assert filled == sorted(filled, reverse=True), (member, filled)  # no gaps
        shown_paid = sum(p.refund.amount - p.refund.left for p in held.places if p.refund)
        assert shown_paid <= held.refunded, member
