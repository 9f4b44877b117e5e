"""What a command did, as webhook notices: derived from the event and the entries it posted.

Every ledger entry becomes one notice, typed by the entry's kind through one table,
`ENTRY_TYPES`; a kind not in the table is still sent, as `ledger.<kind>`, so a new rule
never goes unannounced. An event that posts nothing (a member joins, a pool is
configured) becomes one notice typed through `EVENT_TYPES` (else `event.<type>`). State
changes that are not engine events (a withdrawal approved, a payout requested) are
published by the service as notices of their own.

```python
ENTRY_TYPES[EntryKind.QUEUE_PAYMENT] = "queue.payment"   # a new mode adds its kind and one line
```

Pure: no I/O, no clock. The service numbers the notices and writes them, with the
command's other rows, in one transaction (`store/outbox.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zengzhi.core.ledger import Entry, EntryKind, format_amount

# Entry kind → webhook type. One table: a new rule adds its kinds to EntryKind and here.
ENTRY_TYPES: dict[str, str] = {
    EntryKind.ORDER: "order.completed",
    EntryKind.ORDER_REVERSAL: "order.reversed",
    EntryKind.MINT: "points.minted",
    EntryKind.REVERSAL: "points.reversed",
    EntryKind.SALE: "sale",
    EntryKind.EXIT: "exit",
    EntryKind.SUBSIDY: "subsidy",
    EntryKind.REWARD: "reward",
    EntryKind.REWARD_REVERSAL: "reward.reversed",
    EntryKind.AGENT_RIGHTS: "agent.granted",
    EntryKind.CONVERSION: "contribution.converted",
    EntryKind.MODE_INCOME: "mode.income",
    EntryKind.WITHDRAWAL_HOLD: "withdrawal.requested",
    EntryKind.WITHDRAWAL_RELEASE: "withdrawal.rejected",
    EntryKind.WITHDRAWAL_PAYOUT: "withdrawal.paid",
    EntryKind.WITHDRAWAL_PAID_LATE: "withdrawal.paid_late",
    # the companion modes (spec 03): promises made, cash paid, and what moved around them
    EntryKind.REFUND_PROMISED: "mode.promised",
    EntryKind.AD_POINTS: "mode.promised",
    EntryKind.QUOTA: "mode.promised",
    EntryKind.GREEN_POINTS: "mode.promised",
    EntryKind.UNION_CREDIT: "mode.promised",
    EntryKind.SUBSIDY_PROMISED: "mode.promised",
    EntryKind.SHOPPING_POINTS: "mode.promised",
    EntryKind.SHARES: "mode.shares",
    EntryKind.REFUND: "refund",
    EntryKind.RELEASE: "release",
    EntryKind.RELEASE_SHARE: "release.share",
    EntryKind.ACCELERATION: "release.acceleration",
    EntryKind.BONUS: "bonus",
    EntryKind.QUEUE_PAYMENT: "queue.payment",
    EntryKind.SHOPPING_SPENT: "shopping.spent",
    EntryKind.SHOPPING_SHORT: "shopping.short",
    EntryKind.MERCHANT_REBATE: "merchant.rebate",
    EntryKind.MODE_FUNDING: "mode.funded",
    EntryKind.MODE_REVERSAL: "mode.reversed",
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


# What the service publishes of its own (`UnitOfWork.publish` takes these only).
SERVICE_TYPES = (
    "withdrawal.approved",
    "withdrawal.payout_failed",
    "payout.requested",
    "order.paid_after_cancel",  # a gateway's payment of a cancelled order: owed back
    "order.paid_again",  # a second gateway payment of a paid order: owed back
    "order.owed_back_returned",  # the shop recorded it returned to the buyer
)
# Types a subscription may name: every type above, and the open families a kind or an
# event not (yet) in the tables goes out as.
KNOWN_TYPES = frozenset(ENTRY_TYPES.values()) | frozenset(EVENT_TYPES.values()) | set(SERVICE_TYPES)
OPEN_FAMILIES = ("ledger.", "event.")


def names_a_type(pattern: str) -> bool:
    """Whether a subscription's type pattern can ever match what is sent: `*`, a known
    type, a family of one (`withdrawal.*`), or one of the open families. A typo
    (`order.complete`) would be saved and receive nothing, without a word."""
    if pattern == "*" or pattern in KNOWN_TYPES or pattern.startswith(OPEN_FAMILIES):
        return True
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return prefix in OPEN_FAMILIES or any(known.startswith(prefix) for known in KNOWN_TYPES)
    return False


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


def member_of(account: str, asset: str | None = None) -> str | None:
    """The member an account belongs to (`member:<id>:wallet`, `member:<id>:points:<pool>`,
    a mode's promise `member:<id>:<mode>:<zone>` in its asset `<CODE>:<zone>`, a debt's
    part `member:<id>:owes:<creditor>`), or None for the platform's, pools' and the
    outside world's accounts. Ids may hold `:`: an account of a pool's or a zone's asset
    ends with that place, and a creditor (a reserve, the platform) never holds `:owes:`."""
    if not account.startswith(_MEMBER):
        return None
    rest = account[len(_MEMBER) :]
    if ":owes:" in rest:
        return rest.rpartition(":owes:")[0] or None
    place = ":" + asset.partition(":")[2] if asset and ":" in asset else None
    if place is not None and rest.endswith(place):  # member:<id>:<kind>:<place>
        return rest[: -len(place)].rpartition(":")[0] or None
    if ":points:" in rest:
        return rest.rsplit(":points:", 1)[0] or None
    return rest.rpartition(":")[0] or None


def _members(entry: Entry, event: Mapping[str, Any], buyer: str | None) -> tuple[str, ...]:
    found: list[str] = []
    named = entry.params.get("member")
    if named:
        found.append(named)
    for account, asset, _ in entry.postings:
        member = member_of(account, asset)
        if member is not None and member not in found:
            found.append(member)
    if not found and isinstance(event.get("member"), str):
        found.append(event["member"])
    if not found and buyer is not None:
        found.append(buyer)
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


def notices(
    event: Mapping[str, Any], seq: int, entries: Sequence[Entry], buyer: str | None = None
) -> list[Notice]:
    """The notices of one applied event: `event` is its wire form (what the event log
    keeps), `seq` its number in the log, `entries` what it posted, in order; `buyer`, for
    a reversal, the member an entry that names none concerns (the order's refund)."""
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
            _members(one, event, buyer),
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
