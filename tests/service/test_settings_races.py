"""Settings changed from two sides at one instant (an independent check, 2026-12-04,
notes/attack-races). A settings change reads the settings, decides (four eyes: only the
owner may weaken a control on money) and writes them back whole; what another change
committed in between must be seen, not undone. The interleaving is made by hand on
PostgreSQL: the first change pauses once it has read the settings (on SQLite a write
transaction holds the one writer's lock from its start: nothing can come in between)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.service.conftest import new_tenant
from zengzhi.core.errors import DomainError
from zengzhi.engine.config import DistributionConfig, LimitsConfig
from zengzhi.service import distribution, tenants
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.tenants import TenantSettings, WithdrawalSettings

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
SLOW = "slow-change"


def _paused_after_reading(monkeypatch: pytest.MonkeyPatch, module: Any) -> threading.Event:
    """`module`'s settings reads pause in the SLOW thread, once read, until the other
    change committed (or, waiting for the first change's lock, for a second)."""
    read, other = threading.Event(), threading.Event()
    reading = module.load_settings

    def slow(*args: Any, **kwargs: Any) -> TenantSettings:
        found = reading(*args, **kwargs)
        if threading.current_thread().name == SLOW and not read.is_set():
            read.set()
            other.wait(1)
        return found  # type: ignore[no-any-return]

    monkeypatch.setattr(module, "load_settings", slow)
    read.other = other  # type: ignore[attr-defined]
    return read


def _meanwhile(
    read: threading.Event, first: Callable[[], object], second: Callable[[], object]
) -> list[BaseException]:
    """`first` in the SLOW thread, `second` here once `first` has read the settings;
    what `first` raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            first()
        except BaseException as error:  # kept, for the test to see
            errors.append(error)

    thread = threading.Thread(target=run, name=SLOW)
    thread.start()
    assert read.wait(30)
    second()
    read.other.set()  # type: ignore[attr-defined]
    thread.join(30)
    assert not thread.is_alive()
    return errors


@postgresql_only
def test_tenant_settings_saved_as_distribution_changes_keep_the_new_distribution(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator saves the tenant's settings while the owner caps orders a day: the
    settings were written back whole with the distribution they had read, and the cap
    (committed in between, its event in the log) was undone."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    operator = Principal(tenant, "user:operator", Role.OPERATOR)
    capped = DistributionConfig(limits=LimitsConfig(orders_per_day=3))
    read = _paused_after_reading(monkeypatch, tenants)
    errors = _meanwhile(
        read,
        lambda: tenants.update_settings(
            context, operator, TenantSettings(completion_delay_seconds=60)
        ),
        lambda: distribution.put_settings(context, owner, capped),
    )
    assert errors == []
    after = tenants.get_tenant(context, owner).settings
    assert after.completion_delay_seconds == 60
    assert after.distribution == capped, after.distribution


@postgresql_only
def test_an_operator_cannot_undo_the_owners_lower_auto_approval_limit_at_the_same_moment(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner lowers the auto-approval limit from 500.00 to 0 while the operator saves
    the settings with 500.00 as read: the operator's change was checked against the
    settings it had read (no weakening: the same limit) and written after the owner's,
    raising the limit again without the owner. Now the operator's read locks the
    settings: its change comes first (the owner's then lowers the limit) or, read after
    the owner's, is refused as a weakening."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    operator = Principal(tenant, "user:operator", Role.OPERATOR)
    loose = TenantSettings(withdrawals=WithdrawalSettings(auto_approve_limit="500.00"))
    tenants.update_settings(context, owner, loose)
    tight = TenantSettings(withdrawals=WithdrawalSettings(auto_approve_limit="0.00"))
    read = _paused_after_reading(monkeypatch, tenants)
    errors = _meanwhile(
        read,
        lambda: tenants.update_settings(context, operator, loose),
        lambda: tenants.update_settings(context, owner, tight),
    )
    # the operator's change goes first (it read first) or is refused as a weakening
    assert [error.field for error in errors if isinstance(error, DomainError)] in (
        [],
        ["withdrawals.auto_approve_limit"],
    ), errors
    assert len(errors) <= 1
    after = tenants.get_tenant(context, owner).settings
    assert after.withdrawals.auto_approve_limit == "0.00"


@postgresql_only
def test_an_operator_cannot_undo_the_owners_tighter_distribution_limit_at_the_same_moment(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with distribution's anti-abuse limits: the owner caps orders at 3 a day
    while the operator saves the configuration without the cap, as read."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    operator = Principal(tenant, "user:operator", Role.OPERATOR)
    open_ = DistributionConfig(binding="registration")
    distribution.put_settings(context, owner, open_)
    capped = DistributionConfig(binding="registration", limits=LimitsConfig(orders_per_day=3))
    read = _paused_after_reading(monkeypatch, distribution)
    errors = _meanwhile(
        read,
        lambda: distribution.put_settings(context, operator, open_),
        lambda: distribution.put_settings(context, owner, capped),
    )
    assert [error.field for error in errors if isinstance(error, DomainError)] in (
        [],
        ["limits.orders_per_day"],
    ), errors
    assert len(errors) <= 1
    assert tenants.get_tenant(context, owner).settings.distribution == capped
