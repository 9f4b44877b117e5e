"""Withdrawals: the amount is held out of the wallet when asked for, so it cannot be
spent twice; it leaves the books when paid (less the fee), or returns when rejected."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.ledger import CNY, EntryKind, Ledger, entry
from zengzhi.rules import wallet

RULE = "withdrawal"


class Withdrawal(NamedTuple):
    id: str
    member: str
    amount: int  # fen held
    fee: int  # fen kept by the platform when paid
    status: str  # held, paid, rejected


class WithdrawalBook(Protocol):
    def get(self, withdrawal_id: str) -> Withdrawal | None: ...

    def put(self, withdrawal: Withdrawal) -> None: ...


def hold(
    ledger: Ledger, book: WithdrawalBook, cause: str, member: str, amount: int, fee: int
) -> Withdrawal:
    if amount <= 0:
        raise invalid("amount", "must be greater than 0")
    if not 0 <= fee < amount:
        raise invalid("fee", "must be at least 0 and less than the amount")
    if book.get(cause) is not None:
        raise DomainError(ErrorCode.CONFLICT, f"withdrawal {cause!r} exists already", "id")
    refuse_beyond(amount, ledger.balance(accounts.wallet(member), CNY))
    ledger.post(
        entry(
            cause,
            "withdrawal_hold",
            RULE,
            [(accounts.wallet(member), CNY, -amount), (accounts.withdrawing(member), CNY, amount)],
            {"fee": format_minor(fee, 2)},
        )
    )
    withdrawal = Withdrawal(cause, member, amount, fee, "held")
    book.put(withdrawal)
    return withdrawal


def refuse_beyond(amount: int, available: int) -> None:
    """Refuse withdrawing more fen than the wallet's `available` (a quote says the same)."""
    if amount > available:
        raise DomainError(
            ErrorCode.INSUFFICIENT,
            f"cannot withdraw {format_minor(amount, 2)}: the wallet holds "
            f"{format_minor(available, 2)}",
            "amount",
        )


def _at(book: WithdrawalBook, withdrawal_id: str, status: str = "held") -> Withdrawal:
    """The withdrawal, refused unless it is at `status`."""
    found = book.get(withdrawal_id)
    if found is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, f"unknown withdrawal {withdrawal_id!r}", "withdrawal"
        )
    if found.status != status:
        raise DomainError(
            ErrorCode.CONFLICT, f"withdrawal {withdrawal_id!r} is {found.status}", "withdrawal"
        )
    return found


def reject(ledger: Ledger, book: WithdrawalBook, cause: str, withdrawal_id: str) -> Withdrawal:
    held = _at(book, withdrawal_id)
    # back to the wallet as any credit is: a debt recorded while the cash was held (a
    # reversal found the wallet empty) is settled first, or the member could withdraw
    # the same cash again while owing it
    postings = wallet.credit(ledger, held.member, held.amount, accounts.withdrawing(held.member))
    ledger.post(entry(cause, "withdrawal_release", RULE, postings, corrects=withdrawal_id))
    done = held._replace(status="rejected")
    book.put(done)
    return done


def pay(ledger: Ledger, book: WithdrawalBook, cause: str, withdrawal_id: str) -> Withdrawal:
    held = _at(book, withdrawal_id)
    ledger.post(
        entry(
            cause,
            "withdrawal_payout",
            RULE,
            [
                (accounts.withdrawing(held.member), CNY, -held.amount),
                (accounts.BANK, CNY, held.amount - held.fee),
                (accounts.FEES, CNY, held.fee),
            ],
            {"fee": format_minor(held.fee, 2)},
        )
    )
    done = held._replace(status="paid")
    book.put(done)
    return done


def pay_late(ledger: Ledger, book: WithdrawalBook, cause: str, withdrawal_id: str) -> Withdrawal:
    """The gateway paid a withdrawal already rejected: a request thought never to have
    arrived (the gateway said so when asked) arrived after finance rejected it, and the
    rejection had returned the amount to the wallet. The member now has the payout too,
    so the amount is taken back as a paid withdrawal would have taken it (the payout to
    the bank, the fee to the platform): from the wallet as far as it holds, the rest as
    the member's debt to the platform's reversal costs, which carry the cash meanwhile."""
    found = _at(book, withdrawal_id, "rejected")
    held = max(0, ledger.balance(accounts.wallet(found.member), CNY))
    postings = [
        *wallet.take(ledger, found.member, found.amount, accounts.REVERSALS),
        (accounts.REVERSALS, CNY, -found.amount),
        (accounts.BANK, CNY, found.amount - found.fee),
        (accounts.FEES, CNY, found.fee),
    ]
    ledger.post(
        entry(
            cause,
            EntryKind.WITHDRAWAL_PAID_LATE,
            RULE,
            postings,
            {
                "fee": format_minor(found.fee, 2),
                "debt": format_minor(max(0, found.amount - held), 2),
            },
            corrects=withdrawal_id,
        )
    )
    done = found._replace(status="paid")
    book.put(done)
    return done
