"""What a command did, as webhook notices: derived from the event and the entries it posted.

Every ledger entry becomes one notice, typed by the entry's kind through one table,
`ENTRY_TYPES`; a kind not in the table is still sent, as `ledger.<kind>`, so a new rule
never goes unannounced. An event that posts nothing (a member joins, a pool is
configured) becomes one notice typed through `EVENT_TYPES` (else `event.<type>`). State
changes that are not engine events (a withdrawal approved, a payout requested) are
published by the service as notices of their own.

```python
ENTRY_TYPES["queue_payment"] = "queue.payment"   # a new mode adds one line
```

Pure: no I/O, no clock. The service numbers the notices and writes them, with the
command's other rows, in one transaction (`store/outbox.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zengzhi.core.ledger import Entry, format_amount

# Entry kind → webhook type. One table: a new rule adds its kinds here.
ENTRY_TYPES: dict[str, str] = {
    "order": "order.completed",
    "order_reversal": "order.reversed",
    "mint": "points.minted",
    "reversal": "points.reversed",
    "sale": "sale",
    "exit": "exit",
    "subsidy": "subsidy",
    "reward": "reward",
    "reward_reversal": "reward.reversed",
    "agent_rights": "agent.granted",
    "conversion": "contribution.converted",
    "mode_income": "mode.income",
    "withdrawal_hold": "withdrawal.requested",
    "withdrawal_release": "withdrawal.rejected",
    "withdrawal_payout": "withdrawal.paid",
    # the companion modes (spec 03): promises made, cash paid, and what moved around them
    "refund_promised": "mode.promised",
    "ad_points": "mode.promised",
    "quota": "mode.promised",
    "green_points": "mode.promised",
    "union_credit": "mode.promised",
    "subsidy_promised": "mode.promised",
    "shopping_points": "mode.promised",
    "shares": "mode.shares",
    "refund": "refund",
    "release": "release",
    "release_share": "release.share",
    "acceleration": "release.acceleration",
    "bonus": "bonus",
    "queue_payment": "queue.payment",
    "shopping_spent": "shopping.spent",
    "merchant_rebate": "merchant.rebate",
    "mode_funding": "mode.funded",
    "mode_reversal": "mode.reversed",
}

# Wire event type (engine/wire.py) → webhook type, for events that post no entry.
EVENT_TYPES: dict[str, str] = {
    "join": "member.joined",
    "bind": "member.bound",
    "reassign": "member.reassigned",
    "open_pool": "pool.opened",
    "configure": "pool.configured",
    "distribution": "distribution.configured",
    "zone": "zone.configured",
    "day": "day.ran",
    "day_part": "day.part",  # a part of a day in parts that posted nothing (a counting one)
}


def entry_type(kind: str) -> str:
    return ENTRY_TYPES.get(kind, f"ledger.{kind}")


def event_type(wire_type: str) -> str:
    return EVENT_TYPES.get(wire_type, f"event.{wire_type}")


@dataclass(frozen=True, slots=True)
class Notice:
    """One webhook event before it is numbered: its type, the members it concerns (the
    first orders its delivery), and its data, JSON-ready with amounts as decimal text."""

    type: str
    members: tuple[str, ...]
    data: Mapping[str, Any] = field(default_factory=dict)


_MEMBER = "member:"


def member_of(account: str) -> str | None:
    """The member an account belongs to (`member:<id>:wallet`, `member:<id>:points:<pool>`),
    or None for the platform's, pools' and the outside world's accounts."""
    if not account.startswith(_MEMBER):
        return None
    rest = account[len(_MEMBER) :]
    if ":points:" in rest:
        return rest.rsplit(":points:", 1)[0] or None
    return rest.rpartition(":")[0] or None


def _members(entry: Entry, event: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    named = entry.params.get("member")
    if named:
        found.append(named)
    for account, _, _ in entry.postings:
        member = member_of(account)
        if member is not None and member not in found:
            found.append(member)
    if not found and isinstance(event.get("member"), str):
        found.append(event["member"])
    return tuple(found)


def _entry_data(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": entry.kind,
        "rule": entry.rule,
        "params": dict(entry.params),
        "postings": [
            {"account": account, "asset": asset, "amount": format_amount(amount, asset)}
            for account, asset, amount in entry.postings
        ],
    }
    if entry.corrects is not None:
        data["corrects"] = entry.corrects
    return data


def notices(event: Mapping[str, Any], seq: int, entries: Sequence[Entry]) -> list[Notice]:
    """The notices of one applied event: `event` is its wire form (what the event log
    keeps), `seq` its number in the log, `entries` what it posted, in order."""
    cause = {"id": event["id"], "type": event["type"], "seq": seq}
    if not entries:
        member = event.get("member")
        return [
            Notice(
                event_type(str(event["type"])),
                (member,) if isinstance(member, str) else (),
                {"cause": cause, "event": dict(event)},
            )
        ]
    return [
        Notice(
            entry_type(one.kind),
            _members(one, event),
            {"cause": cause, "entry": _entry_data(one)},
        )
        for one in entries
    ]


def wants(patterns: Sequence[str], notice_type: str) -> bool:
    """Whether a subscription's patterns take a type: `*`, `withdrawal.*`, or the name."""
    for pattern in patterns:
        if pattern in ("*", notice_type):
            return True
        if pattern.endswith(".*") and notice_type.startswith(pattern[:-1]):
            return True
    return False
