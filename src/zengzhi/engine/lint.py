"""Configuration lint (spec 04): what a tenant configuration risks, before it goes live.

Each check is a small function of a `TenantConfig` that returns findings as data: a code,
a severity, the field at fault and a message that cites the seeds' own warnings. The
checks are a list, `CHECKS` in `lint_registry.py`; a new mode adds its own with the `@check`
decorator, in a module this one imports (the modes' checks: `lint_modes.py`):

```python
@check
def quota_returns_more_than_spend(config: TenantConfig) -> Iterator[Finding]:
    ...
    yield Finding.warning("modes.quota.multiple", "quota.static_return", "…")
```

`error` findings are what should stop a launch (a broken promise, a legal risk the spec
refuses); `warning` what an operator must decide knowingly; `info` what is worth knowing.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal, Overflow, localcontext
from fractions import Fraction

from zengzhi.core.amounts import Ratio, format_minor
from zengzhi.core.errors import DomainError
from zengzhi.engine import lint_modes  # noqa: F401  # the modes' checks register themselves
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.fields import hidden, value_shown
from zengzhi.engine.lint_registry import (
    CHECKS,
    SEED_ALT_ACCOUNTS,
    SEED_DEEP,
    SEED_STATIC,
    Check,
    Finding,
    Severity,
    check,
)
from zengzhi.rules.distribution import DEEP, DistributionParams
from zengzhi.rules.pool import DEFAULT_POOL, PoolParams

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def lint(config: TenantConfig, checks: Iterable[Check] | None = None) -> list[Finding]:
    """Every finding of every check, errors first. A configuration the engine would
    refuse gives one error, naming the field, and nothing else."""
    try:
        config.check()
    except DomainError as error:
        return [Finding.error(error.field or "config", "config.invalid", error.message)]
    found = [one for run in (CHECKS if checks is None else checks) for one in run(config)]
    return sorted(found, key=lambda one: (_ORDER[one.severity], one.field, one.code))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(one.severity == Severity.ERROR for one in findings)


def _pct(value: Fraction) -> str:
    return f"{(Decimal(value.numerator) / Decimal(value.denominator) * 100).normalize():f}%"


def _times(value: Decimal, unit: str = "×") -> str:
    """A growth factor for people: 10×, 1,836×, 1.2 million×."""
    if value >= 10**9:
        return f"over a billion{unit}"
    if value >= 10**6:
        return f"{(value / 10**6).quantize(Decimal('0.1'))} million{unit}"
    return f"{int(value):,}{unit}" if value >= 10 else f"{value.quantize(Decimal('0.01'))}{unit}"


def _growth(target: Fraction, mint_ratio: Fraction) -> Decimal:
    """How many times the pool's money must grow for the price to rise `target`-fold,
    with orders only: points grow like money^m, so the price like money^(1 − m)."""
    with localcontext() as exact:
        # a mint ratio a hair below 1 (0.999999999999) asks a power past what a Decimal
        # holds: that is "over a billion" times (`_times`), not a 500 of the lint
        exact.traps[Overflow] = False
        rest = Decimal(1) - Decimal(mint_ratio.numerator) / mint_ratio.denominator
        return (Decimal(target.numerator) / Decimal(target.denominator)) ** (1 / rest)


def _pools(config: TenantConfig) -> dict[str, PoolParams]:
    return config.pool_params()


def pool_field(pool: str) -> str:
    """How a configuration names a pool's table: `pool` (the default) or `pools.<id>`."""
    return "pool" if pool == DEFAULT_POOL else f"pools.{pool}"


# ---------------------------------------------------------------------------- the pool

NEAR_ONE = Fraction(9, 10)
SLOW_EXIT = 1000  # growth factor beyond which an exit is a distant promise


@check
def mint_ratio_near_one(config: TenantConfig) -> Iterator[Finding]:
    for name, params in _pools(config).items():
        m = params.mint_ratio.fraction
        if m >= NEAR_ONE:
            yield Finding.warning(
                f"{pool_field(name)}.mint_ratio",
                "pool.mint_ratio_near_one",
                f"mint ratio {params.mint_ratio}: only {_pct(1 - m)} of each contribution "
                f"lifts the price, which grows like (money in)^{_exp(m)}: "
                f"doubling it takes {_times(_growth(Fraction(2), m))} the money the pool "
                "holds (at 0.7: 10×). Spec 04: m close to 1, the price barely moves.",
            )
        if m == 0:
            yield Finding.info(
                f"{pool_field(name)}.mint_ratio",
                "pool.mint_ratio_zero",
                "mint ratio 0: buyers get no points, the pool only grows",
            )


def _exp(m: Fraction) -> str:
    """1 − m, printed."""
    rest = 1 - m
    return f"{(Decimal(rest.numerator) / Decimal(rest.denominator)).normalize():f}"


@check
def exit_pays_more_than_spent(config: TenantConfig) -> Iterator[Finding]:
    for name, params in _pools(config).items():
        k = params.exit_multiple
        if k is None:
            yield Finding.info(
                f"{pool_field(name)}.exit_multiple",
                "pool.no_exit",
                "no forced exit: members leave only by selling their points",
            )
            continue
        if k.fraction < 1:  # allowed (spec 01: any k > 0), but most likely a slip
            yield Finding.warning(
                f"{pool_field(name)}.exit_multiple",
                "pool.exit_below_spend",
                f"a member is forced out once their points are worth {k}× what they spent,"
                " less than the spend: every stake already worth that much exits at once,"
                " at a loss to its member",
            )
        paid = k.fraction * (1 - params.sell_fee.fraction)
        if paid > 1:
            yield Finding.warning(
                f"{pool_field(name)}.exit_multiple",
                "pool.static_return_above_spend",
                f"a member forced out at {k}× is paid {_pct(paid)} of what they spent "
                f"(k × (1 − sell fee) = {k} × {_exp(params.sell_fee.fraction)}): more than "
                f"the spend. {SEED_STATIC} (illegal fund-raising risk); promote it as a "
                "rebate that depends on growth, never as a guaranteed return.",
            )


@check
def sales_do_not_lift_the_price(config: TenantConfig) -> Iterator[Finding]:
    for name, params in _pools(config).items():
        if params.sell_fee.num == 0:
            yield Finding.info(
                f"{pool_field(name)}.sell_fee",
                "pool.sell_fee_zero",
                "sell fee 0: sales no longer lift the price (the pool stays solvent)",
            )


def _feeds(config: TenantConfig) -> Iterator[tuple[str, str, int, int]]:
    """(field, pool, amount, contribution) of each product, and of a store's order of
    1000.00: what one purchase puts into which pool."""
    for name, product in config.products.items():
        line = product.line(name, 1, DEFAULT_POOL)
        if line.pool is not None and line.contribution:
            yield f"products.{name}", line.pool, line.amount, line.contribution
    for name, store in config.stores.items():
        line = store.line(name, 100_000, DEFAULT_POOL)
        if line.pool is not None and line.contribution:
            yield f"stores.{name}", line.pool, line.amount, line.contribution


@check
def exits_are_far_away(config: TenantConfig) -> Iterator[Finding]:
    """Spec 01: with steady orders and no sales, the price rises only as money comes in;
    a buyer reaches the exit when the pool has grown (k × amount / (m × C))^(1/(1 − m))
    times from when they bought (1,836× for the seeds' 1000 / 300, m 0.7, k 2)."""
    pools = _pools(config)
    for field, pool_id, amount, contribution in _feeds(config):
        params = pools.get(pool_id)
        if params is None or params.exit_multiple is None or params.mint_ratio.num == 0:
            continue
        m = params.mint_ratio.fraction
        target = params.exit_multiple.fraction * amount / (m * contribution)
        if target <= 1:
            continue
        growth = _growth(target, m)
        message = (
            f"a buyer here exits at {params.exit_multiple}× only once pool {pool_id!r} has "
            f"taken in {_times(growth)} what it held when they bought (orders only, no "
            f"sales): with a steady flow, the n-th buyer exits near order "
            f"{_times(growth, ' × n')}. "
            "The seeds' 'almost everyone consumes for free' needs growth (spec 01)."
        )
        if growth > SLOW_EXIT:
            yield Finding.warning(field, "pool.exit_far", message)
        else:
            yield Finding.info(field, "pool.exit_far", message)


@check
def dust(config: TenantConfig) -> Iterator[Finding]:
    """Spec 01 and docs/model.md, "Dust": an order mints m × C ÷ price points, rounded down
    to 0.0001; past a price of m × C × 10,000 it mints nothing and opens no stake. Said
    once per pool, for its smallest contribution, with the price that ends it."""
    pools = _pools(config)
    smallest: dict[str, tuple[int, str]] = {}
    for field, pool_id, _, contribution in _feeds(config):
        if pool_id in pools and contribution < smallest.get(pool_id, (contribution + 1, ""))[0]:
            smallest[pool_id] = (contribution, field)
    for pool_id, (contribution, field) in sorted(smallest.items()):
        m = pools[pool_id].mint_ratio.fraction
        if m == 0:
            continue
        limit = m * contribution * 10_000 / 100  # yuan a point
        message = (
            f"its contribution of {format_minor(contribution, 2)} mints no points once the"
            f" price of pool {pool_id} passes {_yuan(limit)} a point (less than 0.0001 point):"
            " such an order then lands in the pool as a plain contribution, earning its buyer"
            ' nothing (docs/model.md, "Dust"); the price only rises'
        )
        severity = Finding.warning if limit < DUST_NEAR else Finding.info
        yield severity(field, "pool.dust", message)


DUST_NEAR = 1000  # yuan a point: a price a busy pool can reach


def _yuan(value: Fraction) -> str:
    return f"{(Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal('0.01')):,}"


# ---------------------------------------------------------------------------- distribution


def _distribution(config: TenantConfig) -> DistributionParams | None:
    return config.distribution_params()


@check
def hidden_area_names(config: TenantConfig) -> Iterator[Finding]:
    """An agents' area, or one of its provinces, kept before areas refused a hidden
    character (read back as kept: docs/distribution.md, "Areas are names people read"):
    matched by its text, it matches no order's region, and was found only when the
    settings were saved again."""
    agents = config.distribution.agents if config.distribution is not None else None
    for area, provinces in (agents.areas if agents is not None else {}).items():
        for name in (area, *provinces):
            found = next((c for c in name if hidden(c)), None)
            if found is not None:
                yield Finding.error(
                    f"distribution.agents.areas.{value_shown(area)}",
                    "distribution.hidden_area",
                    f"the area or province {value_shown(name)} holds a hidden character "
                    f"(U+{ord(found):04X}): it looks like another name and matches no "
                    "order's region, so its agents are paid for none of its orders; save "
                    "the distribution settings again without it",
                )


@check
def too_many_levels(config: TenantConfig) -> Iterator[Finding]:
    params = _distribution(config)
    if params is None:
        return
    paid = [rate for rate in params.commission if rate.num]
    levels = max((n + 1 for n, rate in enumerate(params.commission) if rate.num), default=0)
    if levels > DEEP:
        yield Finding.error(
            "distribution.commission.rates",
            "distribution.too_deep",
            f"{levels} levels of referral commission: more than {DEEP} carries the legal risk "
            f"of a pyramid scheme (传销). {SEED_DEEP}. Spec 02 refuses it without allow_deep.",
        )
    elif levels == DEEP and paid:
        yield Finding.info(
            "distribution.commission.rates",
            "distribution.at_the_limit",
            f"{levels} levels of referral commission, the most spec 02 allows without an "
            f"override; the seeds themselves run 2 (直推 + 间推). {SEED_DEEP}.",
        )
    if params.team:
        yield Finding.warning(
            "distribution.team",
            "distribution.team_unlimited_depth",
            "team rewards (级差/平级) are paid up the whole referral chain, at any depth: "
            f"{SEED_DEEP}; the seeds suggest paying them offline (线下统计发放).",
        )


def _reward_rate(params: DistributionParams) -> Fraction:
    """The most an order's rewards can take, as a share of its amount."""
    rate = sum((r.fraction for r in params.commission), Fraction(0))
    if params.recruiter is not None:
        rate += params.recruiter.fraction
    agents = [r.fraction for r in params.agent_rates.values()]
    if agents:
        rate += max(agents) if params.agents_mode == "differential" else sum(agents)
    if params.team:
        top = params.team[-1].rate.fraction
        peer = params.peer_share.fraction if params.peer_share is not None else Fraction(0)
        rate += top * (1 + peer)
    return rate


def _budgets(config: TenantConfig) -> list[tuple[str, Fraction]]:
    """Each product's and store's distribution budget, as a share of the amount."""
    budgets = []
    for name, product in config.products.items():
        line = product.line(name, 1, DEFAULT_POOL)
        budgets.append((f"products.{name}", Fraction(line.distribution, line.amount)))
    for name, store in config.stores.items():
        budgets.append(
            (f"stores.{name}", Ratio(store.distribution_rate, f"stores.{name}").fraction)
        )
    return budgets


@check
def promises_without_funding(config: TenantConfig) -> Iterator[Finding]:
    params = _distribution(config)
    if params is None:
        return
    rate = _reward_rate(params)
    budgets = _budgets(config)
    overflow = "the platform's own funds pay the rest" if params.overflow else "the rest is cut"
    if rate > 0:
        if not budgets:
            yield Finding.info(
                "distribution",
                "distribution.budget_unknown",
                f"rewards can take {_pct(rate)} of an order, and no product or store is "
                "configured: each order's own split decides whether they are funded",
            )
        elif all(share == 0 for _, share in budgets):
            if params.overflow:
                yield Finding.warning(
                    "distribution",
                    "distribution.unfunded",
                    f"rewards can take {_pct(rate)} of an order but no product or store sets "
                    "aside a distribution budget: every reward is paid from the platform's "
                    "own funds (platform:funding)",
                )
            else:
                yield Finding.error(
                    "distribution",
                    "distribution.unfunded",
                    f"rewards are promised ({_pct(rate)} of an order at most) but no product "
                    "or store sets aside a distribution budget and overflow is cut: every "
                    "reward would be cut to nothing. A promise with no funding source "
                    "(spec 04).",
                )
        else:
            for field, share in budgets:
                if share < rate:
                    yield Finding.warning(
                        field,
                        "distribution.budget_short",
                        f"rewards can take {_pct(rate)} of an order here, its distribution "
                        f"budget is {_pct(share)}: {overflow}",
                    )
    profit = [
        Fraction(product.line(name, 1, DEFAULT_POOL).platform)
        for name, product in config.products.items()
    ] + [Ratio(store.platform_rate).fraction for store in config.stores.values()]
    distribution_budget = any(share for _, share in budgets)
    for n, plan in enumerate(params.dividends):
        if plan.share.num == 0:
            continue
        funded = any(profit) if plan.funding == "profit" else distribution_budget
        if (profit or budgets) and not funded:
            yield Finding.warning(
                f"distribution.dividends.{n}",
                "distribution.dividend_unfunded",
                f"dividend {plan.name!r} pays {_pct(plan.share.fraction)} of turnover from "
                f"{'the platform profit' if plan.funding == 'profit' else 'distribution budgets'}"
                ", which no product or store provides: it would be paid from money the "
                "orders never brought in",
            )


SEED_RECRUITING = (
    "seed 004: 怕走分销涉传…消费增值侧重用户本身的消费获利; seed 002: 二级分销用户消费后成为推广员"
)


@check
def recruitment_rewards(config: TenantConfig) -> Iterator[Finding]:
    """Rewards for bringing people in rather than for buying: the legal risk the seeds
    warn of (拉人头, a pyramid scheme's mark)."""
    params = _distribution(config)
    if params is None:
        return
    if any(rate.num for rate in params.commission) and not params.promoter_after_purchase:
        yield Finding.info(
            "distribution.commission.promoter_after_purchase",
            "distribution.recruiting_without_buying",
            "a referrer earns commission without ever buying: a reward for recruiting "
            f"alone. {SEED_RECRUITING}; set promoter_after_purchase to pay promoters only",
        )
    if params.recruiter_indirect and params.recruiter is not None:
        yield Finding.warning(
            "distribution.recruiter.indirect_members",
            "distribution.recruitment_chain",
            "the recruiter earns the 间推 on every member the stores it brought in bind, on "
            "top of its share of their turnover: a reward for recruiting recruiters, one "
            f"more level of reward a member's order pays. {SEED_DEEP}",
        )
    levels = len(params.commission) + (1 if params.recruiter is not None else 0)
    if params.recruiter_indirect and len(params.commission) >= DEEP:
        yield Finding.warning(
            "distribution.recruiter.indirect_members",
            "distribution.more_than_three_rewards",
            f"an order at a recruited store pays {levels} rewards up a chain of people "
            f"(commission levels and the recruiter): more than {DEEP} carries the legal "
            f"risk of a pyramid scheme (传销). {SEED_DEEP}",
        )


@check
def second_accounts(config: TenantConfig) -> Iterator[Finding]:
    params = _distribution(config)
    distribution = config.distribution
    if params is None or distribution is None or len(params.commission) < 2:
        return
    if not distribution.limits.one_account_per_phone:
        yield Finding.info(
            "distribution.limits.one_account_per_phone",
            "distribution.second_accounts",
            "indirect commission is paid and one phone may open several accounts: "
            f"{SEED_ALT_ACCOUNTS} (a store owner's second account captures the 间推)",
        )
