"""The appreciation pool (消费增值), as spec 01 states it.

A pool's cash B and circulating points S are ledger balances (the pool's cash account
and minus its supply account); the price B / S is always derived from them. Members'
positions (principal, realized, points) sit in a `PositionBook`, which keeps them in
order of the price at which each would be forced out, so that finding the exits an
event causes costs O(log n) per exit, never a scan.

Every operation posts one entry per movement and then settles the exits its price
change caused (the cascade). Rounding always favours the pool: minted points and
payouts round down.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, NamedTuple, Protocol

from zengzhi.core import accounts
from zengzhi.core.amounts import Points, Price, Ratio, decimal_text, format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.ledger import CNY, Ledger, Posting, entry
from zengzhi.rules import wallet

RULE = "pool"
DEFAULT_POOL = "main"  # the pool every tenant has, whatever its configuration names


@dataclass(frozen=True, slots=True)
class PoolParams:
    mint_ratio: Ratio = Ratio("0.70")
    sell_fee: Ratio = Ratio("0.20")
    exit_multiple: Ratio | None = None  # None: no forced exit
    opening_price: Price = Price(1, 100)  # 1.00 yuan per point
    minting_enabled: bool = True
    min_sell_points: int = 0  # units (1/10000 point); 0 = any amount

    def __post_init__(self) -> None:
        if self.mint_ratio.num >= self.mint_ratio.den:
            raise invalid(
                "mint_ratio",
                f"must be below 1 (got {self.mint_ratio}): at 1 or more the price no longer "
                "rises with each order and the pool's promise breaks",
            )
        if self.sell_fee.num >= self.sell_fee.den:
            raise invalid("sell_fee", f"must be below 1 (got {self.sell_fee})")
        if self.exit_multiple is not None and self.exit_multiple.num == 0:
            raise invalid("exit_multiple", "must be greater than 0 (leave it out for no exit)")
        if self.exit_multiple is not None and self.exit_multiple.fraction > 100:
            raise invalid("exit_multiple", "must be at most 100")
        if self.min_sell_points < 0:
            raise invalid("min_sell_points", "must not be negative")

    def with_changes(self, changes: Mapping[str, object]) -> PoolParams:
        """A copy with some parameters given as text (config files, events, API bodies)."""
        return replace(self, **parse_params(changes))

    def as_text(self) -> dict[str, str | bool | None]:
        return {
            "mint_ratio": str(self.mint_ratio),
            "sell_fee": str(self.sell_fee),
            "exit_multiple": None if self.exit_multiple is None else str(self.exit_multiple),
            "opening_price": format(self.opening_price.yuan(), "f"),
            "minting_enabled": self.minting_enabled,
            "min_sell_points": format_minor(self.min_sell_points, 4),
        }


PARAM_NAMES = frozenset(
    {
        "mint_ratio",
        "sell_fee",
        "exit_multiple",
        "opening_price",
        "minting_enabled",
        "min_sell_points",
    }
)


def parse_params(changes: Mapping[str, object]) -> dict[str, Any]:
    """Parse parameter values written as text; names the field of any bad one."""
    parsed: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in PARAM_NAMES:
            raise invalid(name, f"unknown pool parameter (known: {', '.join(sorted(PARAM_NAMES))})")
        if name == "minting_enabled":
            if not isinstance(value, bool):
                raise invalid(name, "must be true or false")
            parsed[name] = value
        elif name == "exit_multiple" and value is None:  # no forced exit
            parsed[name] = None
        elif name == "opening_price":
            parsed[name] = Price.of_yuan(decimal_text(value, name), name)
            if parsed[name].fraction < LOWEST_PRICE:
                raise invalid(name, "must be at least 0.0001 (a price is shown to 4 places)")
        elif name == "min_sell_points":
            parsed[name] = Points(decimal_text(value, name), name).minor
            if parsed[name] < 0:
                raise invalid(name, "must not be negative")
        else:
            parsed[name] = Ratio(decimal_text(value, name), name)
    return parsed


def canonical_params(changes: Mapping[str, object]) -> dict[str, object]:
    """The changes checked, each in one spelling ("1.50" and "1.5" are "1.5"), so that an
    event is the same content however its numbers were written."""
    parsed = parse_params(changes)
    return {name: text for name, text in PoolParams(**parsed).as_text().items() if name in parsed}


@dataclass(slots=True)
class Position:
    """A member's stake in one pool since it opened (all amounts in minor units), and
    the member's history in the pool, which outlives the stake: a later position carries
    it on. A reversal's debt is bounded by that history (spec 01, reversal)."""

    member: str
    opened: int  # opening order within the pool: breaks ties between equal thresholds
    principal: int = 0  # fen spent on orders since opening
    realized: int = 0  # fen of sale value (before the fee) since opening
    points: int = 0  # points units held
    paid: int = 0  # fen the pool ever paid the member (sales and exits), in any position
    charged: int = 0  # fen of reversal debt ever charged to the member in this pool
    # what each mint put in the position (an order's completion event, an import, a
    # conversion), oldest first: (its cause, its points still held, the sale value and the
    # payout of its points sold, and forced out). A sale takes the oldest points first, an
    # exit all of them, each lot its share of the payout; a reversal burns
    # only what its own order minted and is still held, and takes the sale of the rest out
    # of `realized` as far as it charges it back. A list in memory (`LotList`), rows in
    # the service (store/pools.py `SqlLots`); they outlive the stake (`closed_payout`), for a
    # reversal after it closed. None: a position opened before lots were kept, whose
    # reversals burn any points held (docs/model.md)
    lots: Lots | None = None


class Lot(NamedTuple):
    cause: str  # what minted it
    held: int  # units still held
    sold_value: int  # fen: the sale value of its points sold (what `realized` counted)
    sold_payout: int  # fen: what those sales paid, and its share of the exit's payout


class Lots(Protocol):
    """A position's lots, oldest first, wherever they are kept: the rules only append,
    sell from the oldest and take one out, so that kept as rows each change touches the
    lots it changes, not the position's history (store/pools.py `SqlLots`)."""

    def append(self, lot: Lot) -> None:
        """A new mint's lot, the newest."""

    def take_oldest(self, units: int, value: int, payout: int) -> None:
        """A sale of `units` points for `value` (paid `payout`) leaves the position: see
        `sold_from`."""

    def take(self, cause: str) -> Lot | None:
        """The lot `cause` minted, as it was, emptied where it is kept (its order's
        reversal burns its points; what they sold for stays the stake's: a reversal of
        an order of a closed stake leaves it out of its bound); None: not among them."""

    def __iter__(self) -> Iterator[Lot]: ...


def sold_from(lots: Iterable[Lot], units: int, value: int, payout: int) -> Iterator[Lot]:
    """What a sale of `units` points for `value` (paid `payout`) leaves of the lots it
    sells from, each as it becomes, oldest first; `lots` are the position's, oldest first,
    read only as far as the sale needs. The points sold are the oldest (first in, first
    out), so that a reversal finds its order's points sold before any that a later order
    bought. Each lot sold from keeps its share of the sale (rounded down, the last lot
    taking the rest)."""
    left, value_left, payout_left = units, value, payout
    if not left:
        return
    for lot in lots:
        if not lot.held:
            continue
        taken = min(lot.held, left)
        left -= taken
        share = value_left if not left else value * taken // units
        paid = payout_left if not left else payout * taken // units
        value_left, payout_left = value_left - share, payout_left - paid
        yield Lot(lot.cause, lot.held - taken, lot.sold_value + share, lot.sold_payout + paid)
        if not left:
            return


class LotList(list[Lot]):
    """A position's lots in memory (the engine's, replay's and the simulator's), oldest
    first. Fully sold lots stay: their sale is charged back if their order is reversed."""

    __slots__ = ()

    def take_oldest(self, units: int, value: int, payout: int) -> None:
        n = 0
        for sold in sold_from(self, units, value, payout):
            while self[n].held == 0:
                n += 1
            self[n] = sold
            n += 1

    def take(self, cause: str) -> Lot | None:
        for n, lot in enumerate(self):
            if lot.cause == cause:
                self[n] = lot._replace(held=0)
                return lot
        return None


# A position's exit key orders positions by the price that forces them out: the exit
# price in fen per point unit, times 10**40, rounded down, plus one (0 = already past
# the cap). Two different exit prices p/q and r/s differ by at least 1/(q·s), so with
# denominators (k's denominator × points) under 10**20 — a trillion points — keys of
# different prices never collide: the order is exact, ties are equal prices, broken by
# opening order. As 60-digit text the same key orders an SQL index.
KEY_SCALE = 10**40
EXIT_NOW = 0
KEY_DIGITS = 60


def cap_left_scaled(position: Position, exit_multiple: Ratio) -> int:
    """(k × principal − realized) × k.den, in fen: an int, so that comparisons are exact."""
    return exit_multiple.num * position.principal - exit_multiple.den * position.realized


def capped_payout(cap_scaled: int, exit_multiple: Ratio, sell_fee: Ratio) -> int:
    """What an exit at the cap pays (fen): the cap left (`cap_left_scaled`) less the
    selling fee, rounded down; nothing once the cap is used up."""
    return max(0, cap_scaled * (sell_fee.den - sell_fee.num) // (exit_multiple.den * sell_fee.den))


def exit_key(position: Position, exit_multiple: Ratio | None) -> int | None:
    """Where the position sits in exit order; None when no price can force it out."""
    if exit_multiple is None:
        return None
    cap = exit_multiple.num * position.principal - exit_multiple.den * position.realized
    if cap <= 0:
        return EXIT_NOW
    if position.points == 0:
        return None
    return cap * KEY_SCALE // (exit_multiple.den * position.points) + 1


def threshold(position: Position, exit_multiple: Ratio) -> Price | None:
    """The exact price at which the position is forced out (None: never, or at once)."""
    cap = cap_left_scaled(position, exit_multiple)
    if cap <= 0 or position.points == 0:
        return None
    return Price(cap, exit_multiple.den * position.points)


def reached_cap(position: Position, exit_multiple: Ratio, cash: int, points: int) -> bool:
    """points × price >= k × principal − realized, with price = cash / points, exactly."""
    cap = exit_multiple.num * position.principal - exit_multiple.den * position.realized
    return cap <= 0 or position.points * exit_multiple.den * cash >= cap * points


def progress(position: Position, exit_multiple: Ratio, price: Price) -> Fraction | None:
    """(realized + points × price) ÷ (k × principal): how far the position is to its cap."""
    if position.principal == 0:
        return None
    worth = position.realized + Fraction(position.points * price.fen, price.units)
    return worth / (exit_multiple.fraction * position.principal)


class PositionBook(Protocol):
    """Positions of one pool, indexed by exit key (in memory, or in SQL)."""

    def get(self, member: str) -> Position | None: ...

    def open(self, member: str) -> Position: ...

    def update(self, position: Position) -> None: ...

    def close(self, position: Position) -> None: ...

    def first_to_exit(self) -> Position | None: ...

    def reindex(self, exit_multiple: Ratio | None) -> None: ...

    def history(self, member: str) -> tuple[int, int]:
        """(paid, charged) of the member in this pool, whether a position is open or not."""

    def add_charged(self, member: str, fen: int) -> None:
        """Count a reversal's debt in the history of a member with no open position."""

    def closed_payout(self, member: str, cause: str) -> int | None:
        """What the points `cause` minted for the member in a stake closed since were
        paid (fen: their sales, and their share of the exit); None: not kept (a stake
        closed before closed stakes' lots were kept, or no such lot). A cause mints once
        for a member in a pool."""


@dataclass(slots=True)
class PoolState:
    id: str
    params: PoolParams
    positions: PositionBook
    last_price: Price | None = None  # the price when points last circulated; None: never
    cash: str = field(init=False)  # account names, built once
    supply: str = field(init=False)
    asset: str = field(init=False)

    def __post_init__(self) -> None:
        self.cash = accounts.pool_cash(self.id)
        self.supply = accounts.pool_supply(self.id)
        self.asset = accounts.points_asset(self.id)


def balance_and_points(pool: PoolState, ledger: Ledger) -> tuple[int, int]:
    """(B in fen, S in units), read from the ledger."""
    return ledger.balance(pool.cash, CNY), -ledger.balance(pool.supply, pool.asset)


def price(pool: PoolState, ledger: Ledger) -> Price:
    cash, points = balance_and_points(pool, ledger)
    if points > 0:
        return Price(cash, points)
    return pool.last_price or pool.params.opening_price


def _before(cash: int, points: int) -> dict[str, str]:
    """The pool as the rule found it: the price it used is pool_balance / pool_points."""
    return {"pool_balance": format_minor(cash, 2), "pool_points": format_minor(points, 4)}


# ---------------------------------------------------------------------------- minting


def points_for(pool: PoolState, cash: int, points: int, contribution: int) -> int:
    """The points (units) `contribution` fen would mint now: floor4(m × C × S / B)."""
    params = pool.params
    if not params.minting_enabled or contribution <= 0:
        return 0
    ratio = params.mint_ratio
    if points > 0:
        return ratio.num * contribution * points // (ratio.den * cash)
    last = pool.last_price or params.opening_price
    return ratio.num * contribution * last.units // (ratio.den * last.fen)


# A pool's points outstanding stay below this (units: 10^14 points), so that its sums
# fit the database's 64-bit columns; an order that would mint past it is refused before
# anything moves (`check_mint`). Prices never fall below the opening price, at least
# LOWEST_PRICE, where a fen mints at most 10^6 units: an order whose mintable
# contribution is under 10^8 fen (a million yuan) mints under 10^14 units, so only such
# an order, or a pool near the limit, needs the exact figure.
POINTS_LIMIT = 10**18
LOWEST_PRICE = Fraction(1, 10_000)  # yuan per point
_SMALL_BASE, _SMALL_MINT = 10**8, 10**14


def check_mint(pool: PoolState, ledger: Ledger, base: int) -> None:
    """Refuse an order whose `base` fen would mint past the pool's POINTS_LIMIT."""
    points = -ledger.balance(pool.supply, pool.asset)
    if base < _SMALL_BASE and points < POINTS_LIMIT - _SMALL_MINT:
        return
    minted = points_for(pool, ledger.balance(pool.cash, CNY), points, base)
    if points + minted >= POINTS_LIMIT:
        raise invalid(
            "contribution",
            f"would mint {format_minor(minted, 4)} points, past the "
            f"{format_minor(POINTS_LIMIT, 4)} that pool {pool.id!r} can hold",
        )


def boosted_base(params: PoolParams, contribution: int, boost: Ratio) -> int:
    """What `contribution` fen earn points on in a closing campaign (boost × C, rounded
    down), kept where m × base < C: the points minted are worth less than the money
    that lands, so the price still rises (spec 01's m < 1, boost included)."""
    wanted = boost.num * contribution // boost.den
    ratio = params.mint_ratio
    if ratio.num == 0:
        return wanted
    below = (contribution * ratio.den + ratio.num - 1) // ratio.num - 1  # m × below < C
    return min(wanted, max(below, contribution))


def mint(
    pool: PoolState,
    ledger: Ledger,
    cause: str,
    member: str,
    amount: int,
    contribution: int,
    source: str = accounts.CONTRIBUTIONS,
    *,
    mintable: int | None = None,
) -> tuple[int, Position | None]:
    """An order's contributions to the pool land; the buyer gets points worth m × C.

    `contribution` is everything the order puts into the pool, `mintable` the part of it
    that earns points (less while a zone's minting is paused; all of it by default), and
    `amount` the principal those points stake. An order mints once per pool, however
    many lines feed it, priced before any of it lands, in one exact division
    (m × C × S / B) rounded down. While minting is paused the contribution still lands
    and lifts the price, but opens no stake: no points, no principal. So does a
    contribution too small to earn 0.0001 point at the price (dust): a principal with no
    points could never exit, so none is recorded (docs/model.md, "Dust").
    Returns the points minted and the position that received them.
    """
    params = pool.params
    cash, points = ledger.balance(pool.cash, CNY), -ledger.balance(pool.supply, pool.asset)
    base = contribution if mintable is None else mintable
    minted = points_for(pool, cash, points, base)
    position = None
    postings: tuple[Posting, ...] = ((source, CNY, -contribution), (pool.cash, CNY, contribution))
    if minted:
        postings += (
            (pool.supply, pool.asset, -minted),
            (accounts.holdings(member, pool.id), pool.asset, minted),
        )
        position = pool.positions.get(member) or pool.positions.open(member)
        position.principal += amount
        position.points += minted
        if position.lots is not None:
            position.lots.append(tuple.__new__(Lot, (cause, minted, 0, 0)))  # one an order
        pool.positions.update(position)
    if not contribution:
        return minted, position  # nothing moves
    params_used = {
        "pool_balance": format_minor(cash, 2),
        "pool_points": format_minor(points, 4),
        "mint_ratio": params.mint_ratio.text if params.minting_enabled else "paused",
    }  # _before's two figures and the ratio, in one dict: every order builds it
    if base and not minted and params.minting_enabled:
        params_used["minted"] = "none: below 0.0001 point at this price"
    elif base != contribution:  # less while paused, more in a closing campaign
        params_used["mintable"] = format_minor(base, 2)
    ledger.post(entry(cause, "mint", RULE, postings, params_used))
    return minted, position


# ---------------------------------------------------------------------------- selling


class Sale(NamedTuple):
    """A sale as booked: what the engine's outcome carries to the service and the
    simulator (the entry's printed figures, as numbers). A named tuple: a frozen
    dataclass would set each of its seven fields through `object.__setattr__`."""

    member: str
    pool: str
    points: int  # units
    value: int  # fen, before the fee
    payout: int  # fen, to the wallet
    price: Price  # B / S before the sale
    sell_fee: Ratio


def sell(pool: PoolState, ledger: Ledger, cause: str, member: str, units: int | None) -> Sale:
    """A voluntary sale of `units` points (None: all of them) at B / S, less the fee."""
    position = pool.positions.get(member)
    held = position.points if position else 0
    quantity = held if units is None else units
    if quantity <= 0 and units is not None:
        raise invalid("points", "must be greater than 0")
    if position is None or held == 0:
        raise DomainError(
            ErrorCode.INSUFFICIENT, f"{member} holds no points in pool {pool.id}", "points"
        )
    if quantity > held:
        raise DomainError(
            ErrorCode.INSUFFICIENT,
            f"cannot sell {format_minor(quantity, 4)} points: {member} holds "
            f"{format_minor(held, 4)}",
            "points",
        )
    minimum = pool.params.min_sell_points
    if quantity < minimum and quantity != held:
        raise invalid(
            "points", f"the smallest sale is {format_minor(minimum, 4)} points (or all of them)"
        )
    cash, circulating = balance_and_points(pool, ledger)
    value = quantity * cash // circulating
    payout = pool.params.sell_fee.complement_floor(value)
    if not payout and quantity != held:  # points burned for nothing: a typo, not a sale
        raise invalid(
            "points",
            f"{format_minor(quantity, 4)} points would pay 0.00 at the pool's price: "
            "sell more (or all of them)",
        )
    before = Price(cash, circulating)  # the sale's price, and the last one if it sells out
    if quantity == circulating:
        pool.last_price = before
    position.points -= quantity
    position.realized += value
    if position.lots is not None:
        position.lots.take_oldest(quantity, value, payout)
    position.paid += payout
    pool.positions.update(position)
    params_used = _before(cash, circulating)
    params_used["value"] = format_minor(value, 2)
    params_used["payout"] = format_minor(payout, 2)
    params_used["sell_fee"] = pool.params.sell_fee.text
    ledger.post(
        entry(
            cause,
            "sale",
            RULE,
            [
                (accounts.holdings(member, pool.id), pool.asset, -quantity),
                (pool.supply, pool.asset, quantity),
                *wallet.credit(ledger, member, payout, pool.cash),
            ],
            params_used,
        )
    )
    # tuple.__new__: the named tuple's own __new__ without its Python frame (every sale)
    return tuple.__new__(
        Sale, (member, pool.id, quantity, value, payout, before, pool.params.sell_fee)
    )


# ---------------------------------------------------------------------------- exits


@dataclass(frozen=True, slots=True)
class Exit:
    member: str
    pool: str
    price: Price
    payout: int  # fen
    points: int  # units burned
    principal: int  # fen the position had staked
    realized: int  # fen of sale value it had realized before
    sale_value: bool = False  # paid what its points would sell for (an operator's change)


def settle_exits(
    pool: PoolState, ledger: Ledger, cause: str, *, operator: bool = False
) -> list[Exit]:
    """Force out every position whose return has reached its cap, lowest threshold first.

    Each exit raises the price (it pays at most the sale rate of the points it burns),
    so one exit may bring the next; the loop stops at the first position still short
    of its cap. The payout is the cap left, less the fee, never the market value — except
    where the operator's change (`operator`: a lower exit multiple) left a position no cap
    at all: then it is paid what its points would sell for, as if sold (spec 01), rather
    than burned for nothing. A cap used up by the member's own reversal pays nothing more.
    """
    multiple = pool.params.exit_multiple
    if multiple is None:
        return []
    fee = pool.params.sell_fee
    exits: list[Exit] = []
    while (position := pool.positions.first_to_exit()) is not None:
        cash, circulating = balance_and_points(pool, ledger)
        if circulating > 0:
            if not reached_cap(position, multiple, cash, circulating):
                break
            now = Price(cash, circulating)
        else:  # nobody holds points: only positions already past their cap go
            now = pool.last_price or pool.params.opening_price
            if not reached_cap(position, multiple, now.fen, now.units):
                break
        cap = cap_left_scaled(position, multiple)
        burned = position.points
        if operator and cap <= 0 and burned:
            # floor2(points × price × (1 − f)), one rounding, as spec 01 writes it
            payout = burned * now.fen * (fee.den - fee.num) // (now.units * fee.den)
            basis = "sale value: the operator's change left no cap"
        else:
            payout = capped_payout(cap, multiple, fee)
            basis = "cap"
        if burned and burned == circulating:
            pool.last_price = now
        position.paid += payout
        if position.lots is not None and burned:  # each lot its share, as a sale's
            position.lots.take_oldest(burned, 0, payout)  # (no value: `realized` is done)
        pool.positions.close(position)
        if not (burned or payout):
            continue  # an empty position (its order reversed) closes with nothing to pay
        params_used = _before(cash, circulating)
        params_used.update(
            pool=pool.id,
            member=position.member,
            payout=format_minor(payout, 2),
            principal=format_minor(position.principal, 2),
            realized=format_minor(position.realized, 2),
            exit_multiple=multiple.text,
            sell_fee=fee.text,
            price=str(now),
        )
        if basis != "cap":
            params_used["paid_as"] = basis
        ledger.post(
            entry(
                cause,
                "exit",
                RULE,
                [
                    (accounts.holdings(position.member, pool.id), pool.asset, -burned),
                    (pool.supply, pool.asset, burned),
                    *wallet.credit(ledger, position.member, payout, pool.cash),
                ],
                params_used,
            )
        )
        exits.append(
            Exit(
                member=position.member,
                pool=pool.id,
                price=now,
                payout=payout,
                points=burned,
                principal=position.principal,
                realized=position.realized,
                sale_value=basis != "cap",
            )
        )
    return exits


# ---------------------------------------------------------------------------- the rest


def subsidize(pool: PoolState, ledger: Ledger, cause: str, amount: int) -> None:
    """The operator puts money into the pool: B rises, S does not, the price rises."""
    if amount <= 0:
        raise invalid("amount", "must be greater than 0")
    cash, points = balance_and_points(pool, ledger)
    ledger.post(
        entry(
            cause,
            "subsidy",
            RULE,
            [(accounts.FUNDING, CNY, -amount), (pool.cash, CNY, amount)],
            _before(cash, points),
        )
    )


def check_opening_price(pool: PoolState, ledger: Ledger, params: PoolParams) -> None:
    """A pool's opening price prices its first points only: once it holds cash or points,
    or has had a price, a new one is refused. While nothing circulates the price is the
    last price, or the opening price if there was none (a pool paused from its start):
    lowering it lowered the price, and the next buyer minted that many more points for
    the cash the pool holds."""
    if params.opening_price.fraction == pool.params.opening_price.fraction:
        return
    cash, points = balance_and_points(pool, ledger)
    if cash or points or pool.last_price is not None:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"pool {pool.id!r} is in use: its opening price, which priced its first points,"
            " can no longer change",
            "opening_price",
        )


def configure(pool: PoolState, params: PoolParams) -> None:
    """New parameters apply from now on; a new exit multiple moves every threshold."""
    old = pool.params
    pool.params = params
    if params.exit_multiple != old.exit_multiple:
        pool.positions.reindex(params.exit_multiple)


@dataclass(frozen=True, slots=True)
class Reversal:
    burned: int  # units taken back from the member's position
    debt: int  # fen recorded as owed for points no longer held


def _charge_bound(
    positions: PositionBook, member: str, paid_before: int, own: int | None, after: Position | None
) -> tuple[int, int]:
    """The most a reversal may charge for an order's points no longer held: what the pool
    paid the member since the order, and with earlier charges, what it ever paid; and
    what the order's own points were paid (`own`), where their lot is kept. `after`: the
    stake open now, where the order's stake closed since. With what the pool paid since
    the order."""
    paid, charged = positions.history(member)
    bound = paid - paid_before
    if own is not None:  # what other orders' points were paid stays the member's
        bound = min(bound, own)
    elif after is not None and after.lots:
        # the order's stake closed before closed stakes' lots were kept: what the stake
        # open now was paid for its points is not the order's, at least
        bound -= sum(one.sold_payout for one in after.lots)
    return min(bound, paid - charged), paid - paid_before


def reverse_mint(
    pool: PoolState,
    ledger: Ledger,
    cause: str,
    order: str,
    member: str,
    amount: int,
    minted: int,
    opened: int | None,
    paid_before: int,
) -> Reversal:
    """Undo what a completed order gave a member in this pool.

    The points it minted are burned as far as the member still holds them in the same
    position (a sale takes a position's oldest points first, so points a later order
    bought are never this order's), with no payout (the contribution stays in the pool,
    so the price only rises); the principal drops by the order amount. Points already
    sold or exited are valued at the current price and charged to the member — from the
    wallet as far as it holds, the rest as a debt (the wallet never goes negative) — but
    never more than the pool paid the member since the order completed (`paid_before` is
    what it had paid until then), nor, with earlier reversals' charges, more than it ever
    paid, nor, where the position keeps lots, more than the order's own points sold for
    (their share of an exit included, whether the stake is open or closed since): a
    refund takes back what the member gained through the order's points, never more.
    The sale of the order's points it charges back leaves `realized`.
    """
    positions = pool.positions
    position = positions.get(member)
    same = position is not None and opened is not None and position.opened == opened
    burned = 0
    lot = None
    own = None  # what the order's own points were paid, where their lot is kept
    if same and position is not None:
        if position.lots is None:  # kept before lots: any points held may be the order's
            burned = min(minted, position.points)
        else:  # the order's own, as far as they are held (a sale took the oldest first)
            lot = position.lots.take(order)
            if lot is not None:
                burned, own = min(minted, lot.held), lot.sold_payout
    elif opened is not None:  # the order's stake closed since: its sales and exit share
        own = positions.closed_payout(member, order)
    short = minted - burned
    cash, circulating = balance_and_points(pool, ledger)
    now = price(pool, ledger)
    owed = paid_since = 0
    if short:
        after = None if same or opened is None else position
        bound, paid_since = _charge_bound(positions, member, paid_before, own, after)
        owed = max(0, min(now.value_floor(short), bound))
    if position is not None:
        position.charged += owed
        if same:
            position.points -= burned
            position.principal = max(0, position.principal - amount)
            if lot is not None and lot.sold_value:
                # the sale of the order's sold points, charged back, no longer counts
                # toward the cap of what stays (as far as the charge took it back)
                undone = lot.sold_value
                if owed < lot.sold_payout:
                    undone = lot.sold_value * owed // lot.sold_payout
                position.realized = max(0, position.realized - undone)
        if position.points == 0 and position.principal == 0:
            positions.close(position)  # nothing left to stake: as if never opened
        else:
            positions.update(position)
    elif owed:
        positions.add_charged(member, owed)
    if burned and burned == circulating:
        pool.last_price = now
    if burned or owed:
        params_used = _before(cash, circulating)
        params_used.update(
            order_amount=format_minor(amount, 2),
            points_minted=format_minor(minted, 4),
            price=str(now),
        )
        if short:
            params_used["points_short"] = format_minor(short, 4)
            params_used["paid_since_order"] = format_minor(paid_since, 2)
        ledger.post(
            entry(
                cause,
                "reversal",
                RULE,
                [
                    (accounts.holdings(member, pool.id), pool.asset, -burned),
                    (pool.supply, pool.asset, burned),
                    *wallet.take(ledger, member, owed, accounts.REVERSALS),
                ],
                params_used,
                corrects=order,
            )
        )
    return Reversal(burned, owed)
