"""Dry runs: a proposed configuration back-tested in a process of its own. Starting one
answers at once; it finishes with the same result as the back-test run in the request
(about exactly the proposal kept with it), or fails with what went wrong; one at a time
per tenant, for the roles that may configure. On SQLite and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from tests.service.conftest import PASSWORD, Api, Clock
from tests.service.test_backtest import a_history
from tests.service.test_console_pages import sign_in
from tests.service.test_runs import queued_only
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.i18n import translate_message
from zengzhi.service import config, dry_runs, simulations
from zengzhi.service.auth import Principal, Role
from zengzhi.service.background import claim_and_start
from zengzhi.service.base import Context
from zengzhi.service.config import BacktestRequest, proposal_with
from zengzhi.service.dry_runs import DryRunView
from zengzhi.service.pools import PoolParamsIn
from zengzhi.store import tables as t
from zengzhi.store.runs import Runs


def finished(context: Context, principal: Principal, run_id: str) -> DryRunView:
    """The run once it is no longer running (it is given two minutes)."""
    deadline = time.monotonic() + 120
    while True:
        view = dry_runs.get(context, principal, run_id)
        if view.status != "running" or time.monotonic() > deadline:
            return view
        time.sleep(0.2)


def owner_of(api: Api) -> Principal:
    return Principal(api.tenant, "user:owner", Role.OWNER)


def test_a_dry_run_starts_at_once_and_finishes_with_the_back_tests_result(
    api: Api, clock: Clock, context: Context
) -> None:
    a_history(api, clock)
    owner = owner_of(api)
    proposal = proposal_with(context, owner, "main", PoolParamsIn(exit_multiple="3"))
    request = BacktestRequest(config=proposal.config, top=3)
    about: dict[str, Any] = {"section": "pool", "key": "main", "values": {"exit_multiple": "3"}}
    began = time.monotonic()
    run_id = dry_runs.start(context, owner, request, about)
    assert time.monotonic() - began < 2  # it does not wait for the back-test
    running = dry_runs.get(context, owner, run_id)
    assert (running.status, running.result, running.error) == ("running", None, None)
    assert running.about == about and running.config == proposal.config
    assert running.lint == config.lint_proposal(context, owner, proposal)
    with pytest.raises(DomainError) as busy:  # one at a time per tenant
        dry_runs.start(context, owner, request)
    assert busy.value.code == ErrorCode.CONFLICT and busy.value.field == "dry_run"

    done = finished(context, owner, run_id)
    assert done.status == "done", done.error
    assert done.result is not None
    assert done.result.changes == ["pool main exit_multiple: 2.5 → 3"]
    assert done.result.baseline_matches_live is True
    assert len(done.result.members) == 3
    # the same as the back-test run in the request, over the same history
    assert done.result == config.run_backtest(context, owner, request)
    assert api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"] == "2.5"  # untouched
    later = dry_runs.start(context, owner, request)  # the first one is over: another runs
    assert finished(context, owner, later).status == "done"


def test_a_dry_run_that_fails_says_why(api: Api, clock: Clock, context: Context) -> None:
    a_history(api, clock)
    owner = owner_of(api)
    with context.database.write() as connection:  # a recorded event the engine cannot read
        seq = connection.execute(
            select(t.tenants.c.event_seq).where(t.tenants.c.tenant_id == api.tenant)
        ).scalar_one()
        connection.execute(
            insert(t.events).values(
                tenant_id=api.tenant,
                seq=seq + 1,
                event_id="broken",
                body='{"type": "no_such_event"}',
                at=clock(),
            )
        )
        connection.execute(  # so that the tenant's next event comes after it
            update(t.tenants).where(t.tenants.c.tenant_id == api.tenant).values(event_seq=seq + 1)
        )
    proposal = proposal_with(context, owner, "main", PoolParamsIn(exit_multiple="3"))
    run_id = dry_runs.start(context, owner, BacktestRequest(config=proposal.config))
    failed = finished(context, owner, run_id)
    assert failed.status == "failed" and failed.result is None
    assert failed.error is not None and "does not replay" in failed.error


def test_a_dry_run_is_checked_before_it_starts_and_kept_to_its_roles_and_tenant(
    api: Api, other: Api, clock: Clock, context: Context
) -> None:
    api.pool()
    owner = owner_of(api)
    bad = BacktestRequest(config={"pool": {"mint_ratio": "1"}})
    with pytest.raises(DomainError) as refused:
        dry_runs.start(context, owner, bad)
    assert refused.value.field == "config.pool.mint_ratio"
    assert dry_runs.JOBS.runs(context, api.tenant) == []  # nothing started
    proposal = proposal_with(context, owner, "main", PoolParamsIn(sell_fee="0.1"))
    request = BacktestRequest(config=proposal.config)
    for role in (Role.VIEWER, Role.FINANCE, Role.SUPPORT):
        with pytest.raises(DomainError) as denied:
            dry_runs.start(context, Principal(api.tenant, f"user:{role}", role), request)
        assert denied.value.code == ErrorCode.FORBIDDEN
    operator = Principal(api.tenant, "user:op", Role.OPERATOR)
    run_id = dry_runs.start(context, operator, request)
    assert finished(context, operator, run_id).status == "done"
    with pytest.raises(DomainError) as looked:
        dry_runs.get(context, Principal(api.tenant, "user:v", Role.VIEWER), run_id)
    assert looked.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as elsewhere:  # another tenant has no such run
        dry_runs.get(context, owner_of(other), run_id)
    assert elsewhere.value.code == ErrorCode.NOT_FOUND


def test_a_dry_run_through_the_api(api: Api, other: Api, clock: Clock) -> None:
    a_history(api, clock)
    live = api.ok(api.get("/v1/config"))
    proposal = {"config": live | {"pool": live["pool"] | {"exit_multiple": "3"}}, "top": 3}
    started = api.post("/v1/dry-runs", proposal)
    assert started.status_code == 202, started.text
    run = started.json()
    assert started.headers["Location"] == f"/v1/dry-runs/{run['id']}"
    assert (run["status"], run["result"]) == ("running", None)
    busy = api.post("/v1/dry-runs", proposal)
    assert busy.status_code == 409 and busy.json()["field"] == "dry_run"
    deadline = time.monotonic() + 120
    while run["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        run = api.ok(api.get(started.headers["Location"]))
    assert run["status"] == "done", run["error"]
    assert run["result"] == api.ok(api.post("/v1/backtest", proposal))  # as in the request
    assert run["result"]["changes"] == ["pool main exit_multiple: 2.5 → 3"]
    bad = api.post("/v1/dry-runs", {"config": {"pool": {"mint_ratio": "1.5"}}})
    assert bad.status_code == 422 and bad.json()["field"] == "config.pool.mint_ratio"
    assert api.get("/v1/dry-runs/20260101T000000-abcdef").status_code == 404
    assert api.get("/v1/dry-runs/..%2F..%2Fetc").status_code == 404
    assert other.get(started.headers["Location"]).status_code == 404  # another tenant's
    viewer = api.as_role("viewer")
    assert api.post("/v1/dry-runs", proposal, token=viewer).status_code == 403
    assert api.get(started.headers["Location"], token=viewer).status_code == 403


def test_a_queued_dry_run_is_not_started_once_its_starter_may_no_longer_start_it(
    api: Api, clock: Clock, context: Context
) -> None:
    """A dry run queued for a worker (a server that runs no jobs) started whenever a
    worker claimed it, in the name of a key revoked meanwhile or a user disabled or
    demoted. A worker now marks such a run cancelled (not failed: it never ran) without
    starting it, saying why (in Chinese too), and claims the next; a run whose starter
    still may runs."""
    api.pool()
    owner = owner_of(api)
    request = BacktestRequest(
        config=proposal_with(context, owner, "main", PoolParamsIn(sell_fee="0.1")).config
    )
    server = queued_only(context)
    key = api.ok(api.post("/v1/api-keys", {"name": "ops", "role": "operator"}))
    for name in ("ann", "bob"):
        user = {"username": name, "password": PASSWORD, "role": "operator"}
        api.ok(api.post("/v1/users", user))
    starters = [
        (
            Principal(api.tenant, f"key:{key['key_id']}", Role.OPERATOR),
            lambda: api.ok(api.delete(f"/v1/api-keys/{key['key_id']}")),
            f"not started: the API key {key['key_id']} that started it has been revoked",
            f"未启动：启动它的 API 密钥 {key['key_id']} 已被撤销",
        ),
        (
            Principal(api.tenant, "user:ann", Role.OPERATOR),
            lambda: api.ok(api.patch("/v1/users/ann", {"disabled": True})),
            "not started: the user ann who started it has been disabled",
            "未启动：启动它的用户 ann 已被停用",
        ),
        (
            Principal(api.tenant, "user:bob", Role.OPERATOR),
            lambda: api.ok(api.patch("/v1/users/bob", {"role": "viewer"})),
            "not started: the user bob who started it may no longer configure",
            "未启动：启动它的用户 bob 已没有配置权限",
        ),
    ]
    about = {"section": "pool", "key": "main", "editing": True, "values": {}, "checked": ""}
    for starter, withdraw_the_right, why, in_chinese in starters:
        run_id = dry_runs.start(server, starter, request, about)
        assert dry_runs.get(context, owner, run_id).status == "queued"
        withdraw_the_right()
        for thread in claim_and_start(context, "worker-1", 10):
            thread.join(120)
        refused = dry_runs.get(context, owner, run_id)
        assert (refused.status, refused.result, refused.error) == ("cancelled", None, why)
        assert translate_message("zh", why) == in_chinese
        # the API's answer: the status, and why in the caller's language
        for language, said in (("en", why), ("zh-CN", in_chinese)):
            answer = api.client.get(
                f"/v1/dry-runs/{run_id}",
                headers={"Authorization": f"Bearer {api.token}", "Accept-Language": language},
            )
            assert answer.status_code == 200, answer.text
            assert (answer.json()["status"], answer.json()["error"]) == ("cancelled", said)
        with context.database.read() as connection:
            record = Runs(connection, api.tenant).get(run_id)
        assert record is not None and record.started_by == starter.actor
        assert record.exit_code is None and record.claimed_at is not None  # never ran
    # the console's page of the run says it was cancelled, and why, in Chinese and English
    sign_in(api.client, api.tenant)
    page = api.client.get(f"/console/config/dry-runs/{run_id}", headers={"Accept-Language": "zh"})
    assert page.status_code == 200 and "未启动：启动它的用户 bob 已没有配置权限" in page.text
    assert "试运行在开始前已取消" in page.text and "试运行失败" not in page.text
    page = api.client.get(f"/console/config/dry-runs/{run_id}", headers={"Accept-Language": "en"})
    assert "The dry run was cancelled before it started" in page.text
    assert "not started: the user bob who started it may no longer configure" in page.text
    assert "The dry run failed" not in page.text
    # a starter who still may: claimed and run
    run_id = dry_runs.start(server, owner, request)
    for thread in claim_and_start(context, "worker-1", 10):
        thread.join(120)
    assert finished(context, owner, run_id).status == "done"


def test_a_simulation_cancelled_before_it_started_says_so_on_its_pages(
    api: Api, context: Context
) -> None:
    """A queued simulation whose user was disabled before a worker took it ends
    `cancelled` (it read `failed`, as if it had run and broken), and the console's run
    list and run page say so in Chinese and in English, with why."""
    api.ok(api.post("/v1/users", {"username": "ann", "password": PASSWORD, "role": "operator"}))
    ann = Principal(api.tenant, "user:ann", Role.OPERATOR)
    run_id = simulations.start(queued_only(context), ann, "flat-flow.toml", None)
    api.ok(api.patch("/v1/users/ann", {"disabled": True}))
    for thread in claim_and_start(context, "worker-1", 10):
        thread.join(120)
    run = simulations.get_run(context, owner_of(api), run_id)
    why = "not started: the user ann who started it has been disabled"
    assert (run.status, run.error) == ("cancelled", why)
    sign_in(api.client, api.tenant)
    for language, status, said in [
        ("en", ">cancelled</span>", why),
        ("zh", ">已取消</span>", "未启动：启动它的用户 ann 已被停用"),
    ]:
        headers = {"Accept-Language": language}
        page = api.client.get(f"/console/simulations/{run_id}", headers=headers)
        assert page.status_code == 200 and status in page.text and said in page.text, language
        listed = api.client.get("/console/simulations", headers=headers)
        assert status in listed.text, language
