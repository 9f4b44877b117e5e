"""C. Consumption quota with equity shares (循环购 / 股权分红, seed 004).

A purchase of X gives a quota of `multiple × X` — the most the mode will ever pay back
on it — and equity shares (1 per 2,000 spent in the seed); referring a buyer earns
shares too, and no more than `max_shares` are ever issued. The bonus pool (the mode's
reserve) receives its funding share of every order. Each day the whole pool is split
among members with quota left, in proportion to their shares, each capped by the quota
they have left; what the caps leave stays for the next day. (The seed's energy value
(能量值) is the quota, its contribution value (贡献值) the shares.)
"""

from __future__ import annotations

from dataclasses import dataclass

from zengzhi.core import accounts
from zengzhi.core.amounts import POINTS_SCALE, Ratio, format_minor
from zengzhi.core.ledger import entry
from zengzhi.rules.modes.common import NO_TERMS, Effect, Run, Terms, fen_text, reserve, scaled

MODE = "quota"
RULE = "modes.quota"
SHARES = "shares"  # the shares' accounts: mode:<zone>:shares:issued, member:<m>:shares:<zone>


ONE_SHARE = 10**POINTS_SCALE  # shares have 4 places


def shares_asset(zone: str) -> str:
    return f"SHARE:{zone}"


@dataclass(frozen=True)
class QuotaParams:
    multiple: Ratio = Ratio("2")
    spend_per_share: int = 200_000  # fen spent for one share
    referral_spend_per_share: int | None = None  # fen a referee spends for one share
    max_shares: int | None = None  # units (4 places)
    terms: Terms = NO_TERMS


def purchase(run: Run, zone: str, params: QuotaParams, member: str, amount: int) -> None:
    run.fund(zone, MODE, params.terms, amount, RULE)
    quota = scaled(params.multiple, amount)
    run.issue(
        zone,
        MODE,
        member,
        quota,
        RULE,
        {"multiple": params.multiple.text, "base": fen_text(amount)},
        kind="quota",
    )
    _shares(run, zone, params, member, amount * ONE_SHARE // params.spend_per_share, "buyer")
    referrer = run.network.referrer(member)
    if referrer is not None and params.referral_spend_per_share:
        earned = amount * ONE_SHARE // params.referral_spend_per_share
        _shares(run, zone, params, referrer, earned, "referrer")


def _shares(run: Run, zone: str, params: QuotaParams, member: str, units: int, why: str) -> None:
    issued_at = accounts.mode_issued(zone, SHARES)
    code = shares_asset(zone)
    if params.max_shares is not None:
        units = min(units, params.max_shares + run.ledger.balance(issued_at, code))
    if units <= 0:
        return
    run.ledger.post(
        entry(
            run.cause,
            "shares",
            RULE,
            [(issued_at, code, -units), (accounts.mode_holding(member, zone, SHARES), code, units)],
            {"zone": zone, "member": member, "as": why},
        )
    )
    run.effects.append(Effect("shares", zone, MODE, member, units))


def split(run: Run, zone: str, params: QuotaParams) -> None:
    """The day's bonus: the whole pool, by shares, capped by each member's quota left."""
    left: dict[str, int] = {}
    for claim in run.book.queue(zone, MODE):
        left[claim.member] = left.get(claim.member, 0) + claim.left
    code = shares_asset(zone)
    run.ledger.prefetch((accounts.mode_holding(member, zone, SHARES), code) for member in left)
    run.prefetch_payees(left)
    shares = {
        member: run.ledger.balance(accounts.mode_holding(member, zone, SHARES), code)
        for member in left
    }
    total = sum(shares.values())
    pool = max(0, reserve(run.ledger, zone, MODE))  # the pool splits what it holds, no more
    if total <= 0 or pool <= 0:
        return
    for member, held in shares.items():
        fen = min(left[member], pool * held // total)
        if fen <= 0:
            continue
        run.pay(
            zone,
            MODE,
            member,
            fen,
            params.terms,
            RULE,
            "bonus",
            {
                "shares": format_minor(held, POINTS_SCALE),
                "of": format_minor(total, POINTS_SCALE),
                "pool": fen_text(pool),
            },
            units=fen,
        )
        run.take(zone, MODE, member, fen)
