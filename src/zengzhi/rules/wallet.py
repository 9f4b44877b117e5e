"""Paying a member: every credit to a wallet settles the member's debt first."""

from __future__ import annotations

from zengzhi.core import accounts
from zengzhi.core.ledger import CNY, Ledger, Posting


def credit(ledger: Ledger, member: str, fen: int, source: str) -> list[Posting]:
    """Postings moving `fen` from `source` to `member`, debt first, then the wallet.

    The caller adds them to the entry that explains the payment; zero postings are
    dropped when the entry is built.
    """
    owed = -ledger.balance(accounts.debt(member), CNY)
    settled = min(owed, fen) if owed > 0 else 0
    return [
        (source, CNY, -fen),
        (accounts.debt(member), CNY, settled),
        (accounts.wallet(member), CNY, fen - settled),
    ]


def take(ledger: Ledger, member: str, fen: int, into: str) -> list[Posting]:
    """Postings taking `fen` back from `member` into `into`: from the wallet as far as it
    holds, the rest as the member's debt (settled by the next credit)."""
    held = max(0, ledger.balance(accounts.wallet(member), CNY))
    taken = min(held, fen)
    return [
        (accounts.wallet(member), CNY, -taken),
        (accounts.debt(member), CNY, -(fen - taken)),
        (into, CNY, fen),
    ]
