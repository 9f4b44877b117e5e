"""The chart of accounts: every name a posting may use is built here.

A balance is what the account holds: a pool's cash, a member's wallet, the points a
member holds. Money that comes from outside the books (customers paying for orders, the
operator's own funds, payouts to bank accounts) moves through `external:` and
`platform:` accounts, whose balances go negative as money flows in from them.
Debts are negative balances of a member's debt account, never of the wallet; each is a
receivable of a creditor's (`owes`), paid back to that creditor as it is settled.
"""

from __future__ import annotations

# Outside the books.
CUSTOMERS = "external:customers"  # what buyers paid for completed orders (negative)
BANK = "external:bank"  # what was paid out to members' bank accounts

# The operator's side.
FUNDING = "platform:funding"  # operator money put in: subsidies, legacy imports (negative)
PROFIT = "platform:profit"  # the platform's share of each order
COST_OF_GOODS = "platform:cost"  # the cost share of a product split (owed to suppliers)
DISTRIBUTION = "platform:distribution"  # distribution budgets not (yet) paid as rewards
CONTRIBUTIONS = "platform:contributions"  # contributions on their way to pools (clears to 0)
REVERSALS = "platform:reversals"  # what reversals after completion cost the platform
FEES = "platform:fees"  # withdrawal fees
THIRD_PARTIES = "external:third_parties"  # income from third parties (advertisers), negative
PAYMENTS_IN = "external:payments"  # money members pay outside orders (agent rights…)
AGENT_RIGHTS = "platform:agent_rights"  # what regional agents paid for their rights
CONTRIBUTION_RESERVE = "platform:contribution_reserve"  # cash backing contribution balances
CONTRIBUTION_ISSUED = "platform:contribution_issued"  # -balance = contribution outstanding
SHARES_ISSUED = "platform:shares_issued"  # -balance = shares (股权) held by members


def merchant(store: str) -> str:
    """What the platform owes a store: its settlement of local-life orders."""
    return f"merchant:{store}"


def pool_cash(pool: str) -> str:
    return f"pool:{pool}"


def pool_cash_owner(account: str) -> str | None:
    """The pool whose cash `account` is (`pool:<id>`), or None."""
    pool = account[5:] if account.startswith("pool:") else ""
    return pool if pool and ":" not in pool else None


def pool_supply(pool: str) -> str:
    """Points are minted out of (and burned back into) this account: -balance = circulating."""
    return f"pool:{pool}:supply"


_POINTS = "PTS:"  # a pool's points are an asset of their own


def points_asset(pool: str) -> str:
    return f"{_POINTS}{pool}"


def pool_supply_owner(account: str, asset: str) -> str | None:
    """The pool whose points' supply `account` in `asset` is, or None."""
    pool = asset[len(_POINTS) :] if asset.startswith(_POINTS) else ""
    return pool if pool and account == pool_supply(pool) else None


def wallet(member: str) -> str:
    return f"member:{member}:wallet"


def wallet_owner(account: str) -> str | None:
    """The member whose wallet `account` is, or None for any other account."""
    if account.startswith("member:") and account.endswith(":wallet"):
        member = account[len("member:") : -len(":wallet")]
        return member if member and wallet(member) == account else None
    return None


def withdrawing(member: str) -> str:
    """Money held for a withdrawal in progress: out of the wallet, not yet paid."""
    return f"member:{member}:withdrawing"


def debt(member: str) -> str:
    """Negative when the member owes the platform (a reversal of points already sold)."""
    return f"member:{member}:debt"


def owes(member: str, creditor: str) -> str:
    """What the member owes `creditor` (a receivable of the creditor's): its part of the
    member's debt, which a later credit to the member pays back to the creditor."""
    return f"member:{member}:owes:{creditor}"


def owes_prefix(member: str) -> str:
    return f"member:{member}:owes:"


def contribution(member: str) -> str:
    """A member's non-withdrawable contribution balance (贡献分), asset CONTRIB."""
    return f"member:{member}:contribution"


def shares(member: str) -> str:
    """A member's shares (股权: a dividend weight), asset SHARES, issued by converting
    contribution balances."""
    return f"member:{member}:shares"


# What each member's conversions turned contribution into, kept so that a reversal can
# take back what a clawed-back contribution became (asset CONVERTED, a memo in fen, and
# the shares issued in SHARES); the platform's side of the memo is CONVERTED_MEMO.
CONVERTED_MEMO = "platform:converted"


def converted(member: str, into: str) -> str:
    """Fen of the member's contribution ever converted into `into` (cash or shares); for
    shares, in SHARES, the shares they became."""
    return f"member:{member}:converted_{into}"


def converted_back(member: str, into: str) -> str:
    """Fen of `converted(member, into)` that reversals have taken back since."""
    return f"member:{member}:converted_{into}_back"


def converted_paid(member: str) -> str:
    """Fen the member's cash conversions paid for `converted(member, "cash")`."""
    return f"member:{member}:converted_cash_paid"


def converted_paid_back(member: str) -> str:
    """Fen of `converted_paid(member)` that reversals have taken back since (for shares,
    `converted_back(member, "shares")` holds in SHARES the shares taken back)."""
    return f"member:{member}:converted_cash_paid_back"


def holdings(member: str, pool: str) -> str:
    return f"member:{member}:points:{pool}"


def holdings_owner(account: str, asset: str) -> str | None:
    """The member whose points `account` holds in `asset` (a pool's points), or None."""
    pool = asset.removeprefix(_POINTS)
    suffix = f":points:{pool}"
    if asset.startswith(_POINTS) and account.startswith("member:") and account.endswith(suffix):
        member = account[len("member:") : -len(suffix)]
        return member if member and holdings(member, pool) == account else None
    return None


# Companion modes (spec 03). Each mode of each zone keeps its promises as its own asset:
# they are issued out of the mode's `issued` account (-balance = what it still owes) to
# the member's holding, and paid in cash out of the mode's `reserve`.
SHOPPING_DISCOUNTS = "platform:shopping_discounts"  # what shopping points paid of orders


def mode_reserve(zone: str, mode: str) -> str:
    """The cash set aside for a mode's promises (the union pool, the bonus pool…)."""
    return f"mode:{zone}:{mode}:reserve"


def mode_issued(zone: str, mode: str) -> str:
    """Promises are issued from here: -balance is what the mode still owes."""
    return f"mode:{zone}:{mode}:issued"


def mode_holding(member: str, zone: str, mode: str) -> str:
    """What a mode still owes a member (ad points, green points, queued credit…)."""
    return f"member:{member}:{mode}:{zone}"
