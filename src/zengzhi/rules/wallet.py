"""Paying a member, and taking back: every credit to a wallet settles the member's debts
first, and every debt is a receivable of whoever it is owed to.

A debt arises when something paid to a member is taken back after the member spent or
withdrew it (a reversal). The member's debt account holds the total; for each creditor
(a mode's reserve, the platform's reversal costs, the distribution budget) a receivable
account `member:<id>:owes:<creditor>` holds its part. The creditor's own account holds
only money: a reserve never counts a debt as cash (spec 03, "Reserves hold money, not
debts"). When a later credit settles the debt, each part goes back to its creditor.
"""

from __future__ import annotations

from zengzhi.core import accounts
from zengzhi.core.ledger import CNY, Ledger, Posting


def credit(ledger: Ledger, member: str, fen: int, source: str) -> list[Posting]:
    """Postings moving `fen` from `source` to `member`, debts first, then the wallet.

    The caller adds them to the entry that explains the payment; zero postings are
    dropped when the entry is built.
    """
    wallet = accounts.wallet(member)
    # The wallet is read (and so locked, in SQL) before the debt: a concurrent `take`
    # locks it too, so the two wait for each other. Reading the debt alone locked
    # nothing when the member had never owed (no balance row yet): a reversal that
    # found the wallet empty recorded a debt at the moment this credit read none, and
    # the member kept both the cash and the debt (notes/attack-races).
    ledger.balance(wallet, CNY)
    owed = -ledger.balance(accounts.debt(member), CNY)
    if owed <= 0 or fen <= 0:  # nearly every credit
        return [(source, CNY, -fen), (wallet, CNY, fen)]
    settled = min(owed, fen)
    postings: list[Posting] = [
        (source, CNY, -fen),
        (accounts.debt(member), CNY, settled),
        (wallet, CNY, fen - settled),
    ]
    for creditor, receivable in ledger.receivables(member):
        part = min(settled, receivable)
        postings += [(accounts.owes(member, creditor), CNY, -part), (creditor, CNY, part)]
        settled -= part
        if not settled:
            break
    return postings


def take(ledger: Ledger, member: str, fen: int, into: str) -> list[Posting]:
    """Postings taking `fen` back from `member` into `into`: from the wallet as far as it
    holds, the rest as the member's debt to `into` (settled by the next credit)."""
    held = max(0, ledger.balance(accounts.wallet(member), CNY))
    taken = min(held, fen)
    return [
        (accounts.wallet(member), CNY, -taken),
        (into, CNY, taken),
        *owe(member, fen - taken, into),
    ]


def owe(member: str, fen: int, creditor: str) -> list[Posting]:
    """Postings recording that `member` owes `fen` to `creditor`: the member's debt, and
    the creditor's receivable (money it is owed, not money it holds)."""
    return [(accounts.debt(member), CNY, -fen), (accounts.owes(member, creditor), CNY, fen)]
