"""A scenario: the tenant's configuration (the service's format), an order flow, how
members behave, operator events, and how many runs with which parameters.

```toml
name = "flat flow, k = 2"

[simulation]
days = 365
seed = 7
runs = 1                    # Monte Carlo runs (seeds seed, seed+1, …)

[tenant.pool]               # exactly as a tenant config (docs/replay.md, docs/modes.md)
exit_multiple = "2"

[tenant.zones.union.union]  # companion modes run by zone (docs/modes.md)
funding = "0.5"

[flow]
orders_per_day = 3000
shape = "flat"              # flat, growing, declining, stop, table
rate = "0.01"               # a day, for growing and declining
stop_after_day = 90         # for stop
table = [100, 200, 300]     # for table (the last value repeats)
amount_min = "100.00"       # order amounts: uniform whole yuan between these
amount_max = "3000.00"
contribution_share = "0.30" # or product = "gift" / store = "noodles" from [tenant]
zone = "union"              # the orders' zone (a product's or store's is its own)

[members]
new_share = "0.30"          # share of orders from new members
referred_share = "0.8"      # share of new members who join through a member's link
referral = "preferential"   # uniform, or preferential (members with referees refer more)
selling = "hold"            # hold (to exit), multiple (sell all at a return multiple), panic
sell_multiple = "1.5"
panic_stall_days = 14       # panic: when the price has not risen for this many days…
panic_share = "0.5"         # …this share of holders sells everything
task_share = "0.6"          # of ad-point holders, who do the day's ad task (mode B)
use_shopping_points = true  # pay with shopping points where a zone takes them (mode G)

[[events]]
day = 120
subsidy = "100000.00"

[[events]]
day = 200
pause = true                # stop minting; pause = false resumes

[sweep]
parameter = "pool.exit_multiple"   # pool.<any pool parameter> or flow.orders_per_day
values = ["1.2", "2", "3"]
```
"""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from zengzhi.core.amounts import Ratio, Yuan, decimal_text
from zengzhi.core.errors import DomainError, invalid
from zengzhi.engine.config import TenantConfig, read_toml
from zengzhi.engine.fields import AS_WHOLE, Exact, Flag, Id, Note, Shown, Whole
from zengzhi.engine.fields import error_from_validation as _error
from zengzhi.rules.pool import DEFAULT_POOL

MAX_EVENTS = 10_000
MAX_SCENARIO_BYTES = 1_000_000  # a page of settings; a 50 MB comment was copied into the report


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


MAX_ORDERS_A_DAY = 10**6  # on any day of the horizon, whatever the flow's curve


class SimulationIn(_Strict):
    days: Whole = Field(default=365, ge=1, le=3650)
    seed: Whole = Field(default=1, ge=0, le=2**31)
    runs: Whole = Field(default=1, ge=1, le=1000)
    processes: Annotated[int, Field(ge=1, le=64), AS_WHOLE] | None = None


def _count(value: object) -> object:
    return str(value) if type(value) is int else value


# Orders a day are a count (`orders_per_day = 3000`), or a decimal string for a fraction.
OrdersPerDay = Annotated[Exact, BeforeValidator(_count)]


# A pool parameter as `configure` takes it: a decimal string, true/false (minting_enabled)
# or null (no exit), as the file gives it; `check` reads each as its parameter is read
# (rules/pool.py `parse_params`), so that a refusal says what that parameter takes:
# `minting_enabled = "no"` was "'no' is not a decimal", and `= 1` "must be a decimal
# string". A number is kept to be refused there, naming the parameter; anything else is
# refused here, as a value of one type, not a union's arm.
def _parameter(value: object) -> object:
    kept = value is None or isinstance(value, str | bool | int | float)
    return value if kept else decimal_text(value, "value")  # a list, a table, a date


Parameter = Annotated[str | bool | int | float | None, BeforeValidator(_parameter)]


class FlowIn(_Strict):
    orders_per_day: OrdersPerDay = "1000"
    shape: Literal["flat", "growing", "declining", "stop", "table"] = "flat"
    rate: Exact = "0"
    stop_after_day: Annotated[int, Field(ge=0), AS_WHOLE] | None = None
    table: list[Whole] | None = None
    amount_min: Exact = "100.00"
    amount_max: Exact = "3000.00"
    contribution_share: Exact = "0.30"
    product: Id | None = None
    store: Id | None = None
    pool: Id = DEFAULT_POOL
    zone: Id | None = None  # the zone of orders given by amount (a product's is its own)

    @model_validator(mode="after")
    def _check(self) -> FlowIn:
        if Ratio(self.orders_per_day, "flow.orders_per_day").fraction > MAX_ORDERS_A_DAY:
            raise invalid("flow.orders_per_day", "at most 1,000,000 a day")
        if Ratio(self.rate, "flow.rate").fraction >= 1 and self.shape == "declining":
            raise invalid("flow.rate", "a decline must be below 1 a day")
        if self.shape == "stop" and self.stop_after_day is None:
            raise invalid("flow.stop_after_day", "is required for shape = stop")
        if self.shape == "table" and not self.table:
            raise invalid("flow.table", "is required for shape = table")
        low, high = (
            Yuan(self.amount_min, "flow.amount_min"),
            Yuan(self.amount_max, "flow.amount_max"),
        )
        if low.minor <= 0 or high < low:
            raise invalid("flow.amount_max", "amounts need 0 < amount_min <= amount_max")
        if Ratio(self.contribution_share, "flow.contribution_share").fraction > 1:
            raise invalid("flow.contribution_share", "must be at most 1")
        if self.product and self.store:
            raise invalid("flow.store", "give a product or a store, not both")
        return self


class MembersIn(_Strict):
    new_share: Exact = "0.30"
    referred_share: Exact = "0"  # share of new members who join through a member's link
    referral: Literal["uniform", "preferential"] = "uniform"  # who refers them
    selling: Literal["hold", "multiple", "panic"] = "hold"
    sell_multiple: Exact = "1.5"
    panic_stall_days: Whole = Field(default=14, ge=1, le=365)
    panic_share: Exact = "0.5"
    task_share: Exact = "0.6"  # of members holding ad points, who do the day's ad task
    use_shopping_points: Flag = True  # pay with them where a zone takes them, up to its cap

    @model_validator(mode="after")
    def _check(self) -> MembersIn:
        for name in ("new_share", "panic_share", "referred_share", "task_share"):
            if Ratio(getattr(self, name), f"members.{name}").fraction > 1:
                raise invalid(f"members.{name}", "must be at most 1")
        if Ratio(self.sell_multiple, "members.sell_multiple").num == 0:
            raise invalid("members.sell_multiple", "must be greater than 0")
        return self


class EventIn(_Strict):
    day: Whole = Field(ge=0)
    pool: Id = DEFAULT_POOL
    subsidy: Exact | None = None
    pause: Flag | None = None
    configure: dict[str, Parameter] | None = None
    note: Note | None = None


class SweepIn(_Strict):
    parameter: str = Field(pattern=r"^(pool\.\w+|flow\.orders_per_day|members\.\w+)$")
    values: list[Exact] = Field(min_length=1, max_length=50)


class Scenario(_Strict):
    # a name people read: the console's list, the report's heading (empty, the report's
    # title read ": simulation report")
    name: Annotated[Shown, Field(min_length=1)] = "scenario"
    description: Note | None = None
    simulation: SimulationIn = SimulationIn()
    tenant: TenantConfig = TenantConfig()
    flow: FlowIn = FlowIn()
    members: MembersIn = MembersIn()
    # a day's events are a few: 300,000 of them were read, run and copied into the report
    events: list[EventIn] = Field(default_factory=list, max_length=MAX_EVENTS)
    sweep: SweepIn | None = None

    def check(self) -> None:
        """Refuse a scenario that cannot run, naming the field."""
        try:
            self.tenant.check()
            pools = self.tenant.pool_params()
        except DomainError as error:  # named as the file names it: under [tenant]
            error.field = f"tenant.{error.field}" if error.field else "tenant"
            raise
        if self.flow.pool not in pools:
            raise invalid("flow.pool", f"unknown pool {self.flow.pool!r}")
        if self.flow.product and self.flow.product not in self.tenant.products:
            raise invalid("flow.product", f"unknown product {self.flow.product!r}")
        if self.flow.store and self.flow.store not in self.tenant.stores:
            raise invalid("flow.store", f"unknown store {self.flow.store!r}")
        if self.flow.zone and self.flow.zone not in self.tenant.zones:
            raise invalid("flow.zone", f"unknown zone {self.flow.zone!r}")
        for n, event in enumerate(self.events):
            if event.pool not in pools:
                raise invalid(f"events.{n}.pool", f"unknown pool {event.pool!r}")
            if event.day >= self.simulation.days:
                raise invalid(f"events.{n}.day", "is past the last day of the simulation")
            # what the engine would refuse on the event's day, refused now, naming it
            subsidy = None if event.subsidy is None else Yuan(event.subsidy, f"events.{n}.subsidy")
            if subsidy is not None and subsidy.minor <= 0:
                raise invalid(f"events.{n}.subsidy", "must be greater than 0")
            if event.configure:
                try:
                    pools[event.pool].with_changes(event.configure)
                except DomainError as error:
                    error.field = f"events.{n}.configure.{error.field}"
                    raise
                if "opening_price" in event.configure and self._in_use(n):
                    raise invalid(
                        f"events.{n}.configure.opening_price",
                        f"pool {event.pool!r} may be in use by day {event.day} (an order or a "
                        "subsidy before it): its opening price can change only before that",
                    )
        self._check_peak()
        if self.sweep is not None:
            for value in self.sweep.values:
                variant = self.with_parameter(self.sweep.parameter, value)
                try:
                    variant._check_peak()
                except DomainError as error:
                    error.field = f"sweep.{error.field}"
                    raise

    def _in_use(self, n: int) -> bool:
        """Whether event n's pool may hold cash or points when it happens: a subsidy to it
        before (an earlier day, or earlier in the list on its day), or any order of the
        flow on an earlier day when the flow feeds that pool (the engine refuses a new
        opening price then)."""
        event = self.events[n]
        if any(
            other.subsidy is not None
            and other.pool == event.pool
            and (other.day, m) < (event.day, n)
            for m, other in enumerate(self.events)
        ):
            return True
        flow = self.flow
        fed = flow.pool
        if flow.product:
            fed = self.tenant.products[flow.product].pool or fed
        elif flow.store:
            fed = self.tenant.stores[flow.store].pool or fed
        return fed == event.pool and any(expected_orders(self, day) for day in range(event.day))

    def _check_peak(self) -> None:
        """No day of the horizon plans more than MAX_ORDERS_A_DAY orders, whatever the
        curve: a growing flow or a table could go past the bound on orders_per_day (a
        run that never ends)."""
        flow, days = self.flow, self.simulation.days
        if flow.shape == "table":
            assert flow.table is not None
            for n, count in enumerate(flow.table[:days]):
                if not 0 <= count <= MAX_ORDERS_A_DAY:
                    raise invalid(f"flow.table.{n}", "must be 0 to 1,000,000 orders a day")
        elif flow.shape == "growing":
            base = Ratio(flow.orders_per_day).fraction
            growth = 1 + Ratio(flow.rate).fraction
            for day in range(days):  # the last day plans the most
                if base > MAX_ORDERS_A_DAY:
                    raise invalid(
                        "flow.rate",
                        f"the flow grows past 1,000,000 orders a day on day {day} of {days}",
                    )
                base *= growth

    def with_parameter(self, parameter: str, value: object) -> Scenario:
        """A copy with one parameter changed (for sweeps); checks the new value."""
        section, name = parameter.split(".", 1)
        data = self.model_dump(mode="json", exclude_none=True)
        if section == "pool":
            pool = dict(data["tenant"].get("pool") or {})
            pool[name] = value
            data["tenant"]["pool"] = pool
        else:
            data[section][name] = value
        try:
            changed = Scenario.model_validate(data)
            changed.tenant.pool_params()
        except ValidationError as error:
            raise _error(error, "sweep") from None
        except DomainError as error:
            error.field = f"sweep.{error.field}"
            raise
        return changed


def expected_orders(scenario: Scenario, day: int) -> Fraction:
    """The expected number of orders on `day` (0-based)."""
    flow = scenario.flow
    base = Ratio(flow.orders_per_day).fraction
    rate = Ratio(flow.rate).fraction
    if flow.shape == "growing":
        return base * (1 + rate) ** day
    if flow.shape == "declining":
        return base * (1 - rate) ** day
    if flow.shape == "stop":
        assert flow.stop_after_day is not None
        return base if day < flow.stop_after_day else Fraction(0)
    if flow.shape == "table":
        assert flow.table
        return Fraction(flow.table[min(day, len(flow.table) - 1)])
    return base


def load_scenario(data: dict[str, Any]) -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise _error(error) from None
    scenario.check()
    return scenario


def read_scenario(path: Path) -> Scenario:
    if path.is_file() and path.stat().st_size > MAX_SCENARIO_BYTES:
        raise invalid(str(path), f"is larger than {MAX_SCENARIO_BYTES:,} bytes: not a scenario")
    try:
        data = read_toml(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise invalid(str(path), f"not valid TOML: {error}") from None
    return load_scenario(data)
