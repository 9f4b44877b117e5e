"""The console's withdrawals queue: by status, member and the days they were asked for
(the tenant's), newest first, a page at a time with the total; each with the payee (the
member's name and whether their real name is verified); what is pending (held and
approved: how many, how much, what they pay out); what the member of a pending one owes
(a reversal since the request: no payout may move toward them); and every row found,
for the bank's payout file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, func, literal, select

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor
from zengzhi.core.ledger import CNY
from zengzhi.engine.fields import Id, Whole, one_of
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.service.payees import needs_problem, payout_requirement
from zengzhi.service.queries.paging import PAGE_SIZE, within_days
from zengzhi.service.wallets import owing
from zengzhi.store import tables as t
from zengzhi.store.payments import Adapters
from zengzhi.store.tenanted import of_tenant

STATUSES = ("held", "approved", "paying", "paid", "rejected")
# what is pending: asked, approved, and sent to the payout gateway but not yet paid (its
# cash is still held: a queue that left it out summed less than the members' withdrawing)
PENDING = ("held", "approved", "paying")


class WithdrawalSearch(BaseModel):
    # `all` (or None): every status, as the queue's filter offers it
    status: Annotated[str | None, one_of("all", *STATUSES)] = "held"
    member: Id | None = None
    since: date | None = None
    until: date | None = None
    page: Whole = Field(default=1, ge=1, le=1_000_000)


class WithdrawalRow(BaseModel):
    id: str
    member: str
    payee: str | None  # the member's name (the payee the bank pays)
    verified: bool  # the member's real name is verified
    # the payee record (issue 18), masked as the API shows it; None: the member has none
    payee_method: str | None = None  # wechat, alipay, bank: the channel
    payee_name: str | None = None  # the real name, masked
    payee_account: str | None = None  # the account, masked
    # why approving it is refused now (the service's own check), for a held one
    refused: str | None = None
    # what the member owes, for a pending one: approving and sending are refused, and an
    # approved one must not be paid outside (rejected, its amount settles the debt)
    owes: str | None = None
    # its transfer at WeChat Pay or Alipay, once sent (service/gateway_payouts.py): the
    # gateway, the number it knows it by, and what it said last (sending, paid, failed,
    # pending, unknown, not_found) with its words; None: never sent through a gateway
    gateway: str | None = None
    out_no: str | None = None
    gateway_outcome: str | None = None
    gateway_detail: str | None = None
    amount: str
    fee: str
    payout: str
    status: str
    requested_at: datetime
    decided_by: str | None
    note: str | None


class Pending(BaseModel):
    status: str
    count: int
    amount: str
    payout: str


class WithdrawalPage(BaseModel):
    rows: list[WithdrawalRow]
    total: int
    page: int
    pages: int
    pending: list[Pending]  # held, then approved: the whole tenant's, not the filter's
    adapter: str = "manual"  # the tenant's payout adapter: manual, webhook, wechat, alipay


def _select(connection: Connection, tenant: str, search: WithdrawalSearch) -> Any:
    w, m, p, b, g = t.withdrawals.c, t.members.c, t.payees.c, t.balances.c, t.payouts.c
    before, after = accounts.debt("{}").split("{}")  # the debt account around the member id
    statement = (
        select(
            w.withdrawal_id,
            w.member_id,
            w.amount,
            w.fee,
            w.status,
            w.requested_at,
            w.decided_by,
            w.note,
            m.name,
            m.real_name_verified,
            p.method,
            p.masked_name,
            p.masked_account,
            b.amount.label("debt"),
            g.adapter.label("gateway"),
            g.out_no,
            g.outcome.label("gateway_outcome"),
            g.detail.label("gateway_detail"),
        )
        .select_from(t.withdrawals)
        .outerjoin(t.members, and_(m.tenant_id == w.tenant_id, m.member_id == w.member_id))
        .outerjoin(t.payees, and_(p.tenant_id == w.tenant_id, p.member_id == w.member_id))
        .outerjoin(t.payouts, and_(g.tenant_id == w.tenant_id, g.withdrawal_id == w.withdrawal_id))
        .outerjoin(
            t.balances,
            and_(
                b.tenant_id == w.tenant_id,
                b.account == literal(before) + w.member_id + literal(after),
                b.asset == CNY,
                w.status.in_(PENDING),
            ),
        )
        .where(of_tenant(w, tenant))
    )
    if search.status and search.status != "all":
        statement = statement.where(w.status == search.status)
    if search.member:
        statement = statement.where(w.member_id == search.member)
    return statement.where(
        *within_days(connection, tenant, w.requested_at, search.since, search.until)
    )


def _row(r: Any, refused: str | None = None) -> WithdrawalRow:
    owed = -int(r.debt or 0)
    return WithdrawalRow(
        id=r.withdrawal_id,
        member=r.member_id,
        payee=r.name,
        verified=bool(r.real_name_verified),
        payee_method=r.method,
        payee_name=r.masked_name,
        payee_account=r.masked_account,
        refused=refused,
        owes=format_minor(owed, 2) if owed > 0 else None,
        gateway=r.gateway,
        out_no=r.out_no,
        gateway_outcome=r.gateway_outcome,
        gateway_detail=r.gateway_detail,
        amount=format_minor(int(r.amount), 2),
        fee=format_minor(int(r.fee), 2),
        payout=format_minor(int(r.amount - r.fee), 2),
        status=r.status,
        requested_at=r.requested_at,
        decided_by=r.decided_by,
        note=r.note,
    )


def find_withdrawals(
    context: Context, principal: Principal, search: WithdrawalSearch
) -> WithdrawalPage:
    principal.require(Permission.READ)
    tenant = principal.tenant

    def run(connection: Connection) -> WithdrawalPage:
        w = t.withdrawals.c
        listed = _select(connection, tenant, search)
        total = int(
            connection.execute(
                select(func.count()).select_from(listed.order_by(None).subquery())
            ).scalar_one()
        )
        pages = max(1, -(-total // PAGE_SIZE))
        shown = min(search.page, pages)
        rows = connection.execute(
            listed.order_by(w.requested_at.desc(), w.withdrawal_id.desc())
            .limit(PAGE_SIZE)
            .offset((shown - 1) * PAGE_SIZE)
        )
        sums = {
            r.status: r
            for r in connection.execute(
                select(
                    w.status,
                    func.count().label("n"),
                    func.sum(w.amount).label("amount"),
                    func.sum(w.amount - w.fee).label("payout"),
                )
                .where(of_tenant(w, tenant), w.status.in_(PENDING))
                .group_by(w.status)
            )
        }
        pending = [
            Pending(
                status=status,
                count=int(sums[status].n) if status in sums else 0,
                amount=format_minor(int(sums[status].amount or 0) if status in sums else 0, 2),
                payout=format_minor(int(sums[status].payout or 0) if status in sums else 0, 2),
            )
            for status in PENDING
        ]
        needs = payout_requirement(connection, tenant)
        adapter = Adapters(connection, tenant).get()

        def refused(r: Any) -> str | None:
            """The service's reason to refuse approving a held one (payees.needs_problem,
            wallets.refuse_while_owing)."""
            if r.status != "held":
                return None
            if r.debt is not None and r.debt < 0:
                return owing(r.member_id, -int(r.debt)).message
            problem = needs_problem(connection, tenant, r.member_id, needs)
            return None if problem is None else problem.message

        return WithdrawalPage(
            rows=[_row(r, refused(r)) for r in rows],
            total=total,
            page=shown,
            pages=pages,
            pending=pending,
            adapter="manual" if adapter is None else adapter.adapter,
        )

    return query(context, run)


def every_withdrawal(
    context: Context, principal: Principal, search: WithdrawalSearch
) -> Iterator[WithdrawalRow]:
    """Every withdrawal the search finds, oldest first (the order a bank pays them)."""
    principal.require(Permission.READ)
    w = t.withdrawals.c
    with context.database.read() as connection:
        listed = _select(connection, principal.tenant, search)
        for r in connection.execute(listed.order_by(w.requested_at, w.withdrawal_id)):
            yield _row(r)
