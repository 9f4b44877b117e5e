"""Money owed back to a buyer: a gateway's payment that came after the order was cancelled
(audit `order.paid_after_cancel`), or a second payment of an order a gateway had paid
already (audit `order.paid_again`: the buyer paid twice, through two gateways or twice
through one; service/payments.py), and the operator's record that it was returned to the
buyer at the gateway (audit `order.owed_back_returned`).

Neither is in the ledger: zengzhi never holds an order's money (a normal payment books
nothing either, `orders.pay_in` only moves the order's status), so the audit log is where
both are kept, read here in its commit order (`audit_id`, the tenant's counter, taken
in the order the records were committed). A return covers every payment of the order
recorded before it and not returned yet; a payment recorded after a return is owed again.
Both are written under the order's row lock (the notification's and the return's
commands take it first), so no payment slips between a return's read and its record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, exists, select

from zengzhi.core.amounts import format_minor
from zengzhi.engine.lines import yuan
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

PAID_AFTER_CANCEL = "order.paid_after_cancel"
PAID_AGAIN = "order.paid_again"
OWED = (PAID_AFTER_CANCEL, PAID_AGAIN)  # the payments owed back, by why
RETURNED = "order.owed_back_returned"


class Returned(BaseModel):
    """The operator's record that what was owed back was returned to the buyer."""

    at: datetime
    by: str  # the actor: user:…, key:…
    amount: str  # yuan, every payment the record covered
    note: str | None  # the gateway's refund number, or how it was returned


class OwedBack(BaseModel):
    """A gateway's payment that came after the order was cancelled, or after a gateway had
    paid it already: the money is at the gateway and owed back to the buyer, refunded
    there (docs/payments.md)."""

    at: datetime
    amount: str  # yuan
    notification: str | None  # the gateway's id of its notification
    again: bool = False  # True: a second payment of a paid order; False: after its cancel
    returned: Returned | None = None  # None: still owed


def records(connection: Connection, tenant: str, order_ids: list[str]) -> list[Any]:
    """The audit log's payments owed back and returns of these orders, in the order
    they were committed (the rows' `audit_id`, `action`, `target` "order:<id>", `at`,
    `actor`, `after`, `reason`)."""
    if not order_ids:
        return []
    a = t.audit_log.c
    found = connection.execute(
        select(a.audit_id, a.action, a.target, a.at, a.actor, a.after, a.reason).where(
            of_tenant(a, tenant),
            a.action.in_([*OWED, RETURNED]),
            a.target.in_([f"order:{order_id}" for order_id in order_ids]),
        )
    )
    # sorted here: an ORDER BY audit_id led SQLite to the primary key's scan of the
    # tenant's whole log instead of ix_audit_log_action_target (migration 0028)
    return sorted(found, key=lambda row: int(row.audit_id))


def _after(row: Any) -> dict[str, Any]:
    return row.after if isinstance(row.after, dict) else {}


def settle(rows: list[Any], fallback: str = "") -> dict[str, list[OwedBack]]:
    """Each order's payments owed back, oldest first, each with the return that covered it
    (None: still owed). `rows` as `records` reads them; `fallback` the amount
    of a record that names none."""
    owed: dict[str, list[OwedBack]] = {}
    for row in rows:
        order_id = str(row.target).removeprefix("order:")
        after = _after(row)
        if row.action in OWED:
            owed.setdefault(order_id, []).append(
                OwedBack(
                    at=row.at,
                    amount=str(after.get("amount") or fallback),
                    notification=after.get("notification"),
                    again=row.action == PAID_AGAIN,
                )
            )
            continue
        returned = Returned(
            at=row.at, by=row.actor, amount=str(after.get("returned") or ""), note=row.reason
        )
        for payment in owed.get(order_id, []):
            if payment.returned is None:
                payment.returned = returned
    return owed


def still_owed(payments: list[OwedBack]) -> str | None:
    """What is owed back now (yuan), or None when nothing is."""
    due = [p for p in payments if p.returned is None]
    if not due:
        return None
    return format_minor(sum(yuan(p.amount, "amount") for p in due), 2)


def owed_targets(tenant: str) -> Any:
    """The audit targets ("order:<id>") with a payment owed back that no return recorded
    after it covers: what the orders list's filter `owed_back` finds."""
    paid, back = t.audit_log.alias("paid"), t.audit_log.alias("back")
    returned_since = (
        select(back.c.audit_id)
        .where(
            back.c.tenant_id == paid.c.tenant_id,
            back.c.action == RETURNED,
            back.c.target == paid.c.target,
            back.c.audit_id > paid.c.audit_id,
        )
        .correlate(paid)
    )
    return select(paid.c.target).where(
        of_tenant(paid, tenant), paid.c.action.in_(OWED), ~exists(returned_since)
    )
