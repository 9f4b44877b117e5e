"""The double-entry ledger: postings, entries, balances and the audit that rebuilds them.

Amounts are ints of an asset's minor units. An entry's postings sum to zero per asset,
so nothing is created or destroyed without a counter-account saying where it came from
(points are minted out of a pool's supply account, money comes in from customers…).
A balance is only ever changed by posting an entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter
from typing import NamedTuple, Protocol

from zengzhi.core import accounts
from zengzhi.core.amounts import POINTS_SCALE, YUAN_SCALE, format_minor

CNY = "CNY"

# Assets whose unit is money (2 places). Every other asset is a kind of points (4 places).
_MONEY_ASSETS: set[str] = {CNY}


def register_money_asset(code: str) -> None:
    """A rule that keeps a yuan-denominated balance of its own (quota, union credit) says so.

    The code covers its per-zone variants too: "UNION" makes "UNION:zone" money.
    """
    _MONEY_ASSETS.add(code)


def scale_of(asset: str) -> int:
    return YUAN_SCALE if asset.partition(":")[0] in _MONEY_ASSETS else POINTS_SCALE


def format_amount(minor: int, asset: str) -> str:
    return format_minor(minor, scale_of(asset))


# (account, asset, amount): amount in the asset's minor units, positive adds to the
# account's balance. A plain tuple: rules build millions of them.
Posting = tuple[str, str, int]


class UnbalancedEntry(ValueError):
    pass


Params = Mapping[str, str]


class EntryKind(StrEnum):
    """What an entry records: each value is the kind string stored in the journal, shown
    by `zengzhi replay --json` and typed into webhooks (`engine/notices.py`), so a member
    compares equal to the string a stored entry carries."""

    ORDER = "order"
    ORDER_REVERSAL = "order_reversal"
    MINT = "mint"
    REVERSAL = "reversal"
    SALE = "sale"
    EXIT = "exit"
    SUBSIDY = "subsidy"
    REWARD = "reward"
    REWARD_REVERSAL = "reward_reversal"
    AGENT_RIGHTS = "agent_rights"
    CONVERSION = "conversion"
    MODE_INCOME = "mode_income"
    WITHDRAWAL_HOLD = "withdrawal_hold"
    WITHDRAWAL_RELEASE = "withdrawal_release"
    WITHDRAWAL_PAYOUT = "withdrawal_payout"
    WITHDRAWAL_PAID_LATE = "withdrawal_paid_late"  # paid by the gateway after rejection
    # the companion modes (spec 03): promises made, cash paid, and what moved around them
    REFUND_PROMISED = "refund_promised"
    AD_POINTS = "ad_points"
    QUOTA = "quota"
    GREEN_POINTS = "green_points"
    UNION_CREDIT = "union_credit"
    SUBSIDY_PROMISED = "subsidy_promised"
    SHOPPING_POINTS = "shopping_points"
    SHARES = "shares"
    REFUND = "refund"
    RELEASE = "release"
    RELEASE_SHARE = "release_share"
    ACCELERATION = "acceleration"
    BONUS = "bonus"
    QUEUE_PAYMENT = "queue_payment"
    SHOPPING_SPENT = "shopping_spent"
    SHOPPING_SHORT = "shopping_short"  # spoken-for points a refund took back, paid in cash
    MERCHANT_REBATE = "merchant_rebate"
    MODE_FUNDING = "mode_funding"
    MODE_REVERSAL = "mode_reversal"


class Entry(NamedTuple):
    """One movement, whole: its postings and why it happened.

    `cause` is the id of the event that caused it (an order, a sale, a job run…),
    `kind` what happened (mint, sale, exit…), `rule` which rule booked it, and
    `params` the figures the rule used that the postings do not show (rates, the
    pool's state before), as printed decimals. `corrects` names the event this one
    corrects, for reversals. Ledgers refuse an entry that does not balance.
    """

    cause: str
    kind: str
    rule: str
    postings: tuple[Posting, ...]
    params: Params
    corrects: str | None = None


def unbalanced(one: Entry) -> str | None:
    """Why the entry cannot be posted, or None: it needs postings of non-zero ints that
    sum to zero per asset."""
    if not one.postings:
        return f"{one.kind} for {one.cause}: an entry needs postings"
    totals: dict[str, int] = {}
    for _, asset, amount in one.postings:
        if type(amount) is not int or not amount:
            return f"{one.kind} for {one.cause}: a posting of {amount!r} (need a non-zero int)"
        totals[asset] = totals.get(asset, 0) + amount
    for asset, total in totals.items():
        if total:
            return (
                f"{one.kind} for {one.cause}: {asset} postings sum to "
                f"{format_amount(total, asset)}, not zero"
            )
    return None


_AMOUNT = itemgetter(2)


def entry(
    cause: str,
    kind: str,
    rule: str,
    postings: Iterable[Posting],
    params: Params | None = None,
    corrects: str | None = None,
) -> Entry:
    """Build an entry, dropping zero postings (a rule may compute a zero share)."""
    # tuple.__new__ skips the named tuple's generated __new__: a rule posts millions
    return tuple.__new__(
        Entry, (cause, kind, rule, tuple(filter(_AMOUNT, postings)), params or {}, corrects)
    )


# entry kinds that may open a member's debt though they correct no earlier entry: an
# order paying in cash the shopping points a refund took back (rules/modes/shopping.py)
OPENS_DEBTS = frozenset({EntryKind.SHOPPING_SHORT})


def may_open_debts(entry: Entry) -> bool:
    """Whether `entry` may open a member's debt: a correction (a reversal taking back what
    was paid), or a kind `OPENS_DEBTS` names."""
    return entry.corrects is not None or entry.kind in OPENS_DEBTS


class Ledger(Protocol):
    """What rules need from a ledger; held in memory here, in SQL by the service."""

    def balance(self, account: str, asset: str) -> int: ...

    def post(self, entry: Entry) -> None:
        """Apply a balanced entry, or raise UnbalancedEntry and apply nothing."""

    def take_posted(self) -> list[Entry]:
        """The entries posted since the last call, in order (the engine's outcome)."""

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        """A hint that these (account, asset) balances are read next, many at once (a
        daily run): SQL reads them in bulk instead of a query each."""

    def receivables(self, member: str) -> list[tuple[str, int]]:
        """What the member owes, by creditor (fen > 0): reserves of the modes first, then
        the platform's accounts, each in name order, the order a credit settles them."""

    def owed_to(self, creditor: str) -> int:
        """What all members owe `creditor` (a reserve's receivables: for reports)."""

    def holders(self, kind: str, asset: str) -> list[tuple[str, int]]:
        """(member, balance) of every member whose `member:<id>:<kind>` holds more than
        nothing of `asset`, by member id (a dividend weighted by shares or contribution)."""


def settling_order(owed: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Creditors in the order a member's credit pays them back: the modes' reserves first
    (they back other members' promises), then the platform; by name within each."""
    return sorted(
        ((creditor, fen) for creditor, fen in owed if fen > 0),
        key=lambda item: (not item[0].startswith("mode:"), item[0]),
    )


Balances = dict[tuple[str, str], int]


class MemoryLedger:
    """Balances in a dict. Entries are not kept: whoever runs the engine takes each
    event's entries and keeps, writes, reports or drops them."""

    def __init__(self) -> None:
        self.balances: Balances = {}
        self.entries_posted = 0
        self._posted: list[Entry] = []
        self._owing: dict[str, set[str]] = {}  # member → creditors it has owed

    def receivables(self, member: str) -> list[tuple[str, int]]:
        prefix = accounts.owes_prefix(member)
        return settling_order(
            (creditor, self.balances.get((prefix + creditor, CNY), 0))
            for creditor in self._owing.get(member, ())
        )

    def owed_to(self, creditor: str) -> int:
        return sum(
            self.balances.get((accounts.owes(member, creditor), CNY), 0)
            for member, creditors in self._owing.items()
            if creditor in creditors
        )

    def holders(self, kind: str, asset: str) -> list[tuple[str, int]]:
        suffix = ":" + kind
        return sorted(
            (account[7 : -len(suffix)], amount)
            for (account, held_in), amount in self.balances.items()
            if held_in == asset
            and amount > 0
            and account.startswith("member:")
            and account.endswith(suffix)
        )

    def _note_debts(self, entry: Entry) -> None:
        """Index the receivables a debt-opening entry (`may_open_debts`) opens, so that
        settling one needs no scan of every balance."""
        for account, asset, amount in entry.postings:
            if amount > 0 and asset == CNY and account.startswith("member:"):
                member, mark, creditor = account[7:].partition(":owes:")
                if mark:
                    self._owing.setdefault(member, set()).add(creditor)

    def balance(self, account: str, asset: str) -> int:
        return self.balances.get((account, asset), 0)

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        pass  # all in memory already

    def post(self, entry: Entry) -> None:
        balances = self.balances
        totals: dict[str, int] = {}
        created: list[tuple[str, str]] = []
        for account, asset, amount in entry.postings:
            if type(amount) is not int or not amount:
                break
            key = (account, asset)
            held = balances.get(key)
            if held is None:
                created.append(key)
                balances[key] = amount
            else:
                balances[key] = held + amount
            totals[asset] = totals.get(asset, 0) + amount
        else:
            if totals and not any(totals.values()):
                self.entries_posted += 1
                self._posted.append(entry)
                if may_open_debts(entry):
                    self._note_debts(entry)
                return
        self._undo(entry, created)
        raise UnbalancedEntry(unbalanced(entry) or "unbalanced entry")

    def _undo(self, entry: Entry, created: list[tuple[str, str]]) -> None:
        """Take back what a refused entry applied before it was found wrong."""
        balances = self.balances
        for account, asset, amount in entry.postings:
            if type(amount) is not int or not amount:
                break
            balances[(account, asset)] -= amount
        for key in created:
            del balances[key]

    def take_posted(self) -> list[Entry]:
        posted, self._posted = self._posted, []
        return posted

    def accounts(self, prefix: str = "") -> Iterator[tuple[str, str, int]]:
        for (account, asset), amount in sorted(self.balances.items()):
            if account.startswith(prefix):
                yield account, asset, amount


def rebuild_balances(entries: Iterable[Entry]) -> Balances:
    totals: Balances = {}
    for one in entries:
        for account, asset, amount in one.postings:
            key = (account, asset)
            totals[key] = totals.get(key, 0) + amount
    return totals


@dataclass(frozen=True, slots=True)
class Discrepancy:
    account: str
    asset: str
    kept: int
    rebuilt: int

    def __str__(self) -> str:
        return (
            f"{self.account} {self.asset}: kept {format_amount(self.kept, self.asset)}, "
            f"postings say {format_amount(self.rebuilt, self.asset)}"
        )


def audit(kept: Mapping[tuple[str, str], int], entries: Iterable[Entry]) -> list[Discrepancy]:
    """Rebuild every balance from the entries and list where the kept ones differ."""
    rebuilt = rebuild_balances(entries)
    return [
        Discrepancy(account, asset, kept.get((account, asset), 0), rebuilt.get((account, asset), 0))
        for account, asset in sorted(set(kept) | set(rebuilt))
        if kept.get((account, asset), 0) != rebuilt.get((account, asset), 0)
    ]


def totals_by_asset(balances: Mapping[tuple[str, str], int]) -> dict[str, int]:
    """Sum of all balances per asset: zero for every asset when the books are closed."""
    totals: dict[str, int] = {}
    for (_, asset), amount in balances.items():
        totals[asset] = totals.get(asset, 0) + amount
    return totals
