"""Issue 15, item 1: at most five guesses of a user's password a window, whatever the
concurrency. Every attempt is counted in the database before its password is checked
(one committed upsert), so attempts that arrive together cannot all see an empty count;
a success releases only its own attempt and never clears a lock."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.security import workers
from tests.security.races import race
from tests.service.conftest import PASSWORD, SECRET, Api, Clock, new_tenant
from zengzhi.core.errors import DomainError
from zengzhi.service import sessions
from zengzhi.service.base import Context
from zengzhi.service.jobs import forget_stale, tick
from zengzhi.service.sessions import Login
from zengzhi.store import tables as t

PROCESSES = 2  # with workers.THREADS each: 40 guesses at one moment


def test_forty_guesses_at_once_get_at_most_five_tries(context: Context) -> None:
    """Each guess spells the tenant and the username its own way: one name in any case,
    one count (a count for each spelling would give 32 × 5 tries at "owner")."""
    tenant = new_tenant(context, "locked")
    secret = SECRET.get_secret_value()
    answers = [
        status
        for one in race(
            PROCESSES, workers.guess, (context.database.url, secret, tenant, "wrong guess!")
        )
        for status in one
    ]
    assert len(answers) == PROCESSES * workers.THREADS
    assert answers.count(401) <= 5, answers
    assert answers.count(401) + answers.count(429) == len(answers), answers
    # and the right password is refused now, until the lock ends
    right = Login(tenant=tenant, username="owner", password=PASSWORD)
    with pytest.raises(DomainError) as refused:
        sessions.login(context, right)
    assert refused.value.code == "too_many" and refused.value.retry_after is not None


def test_right_and_wrong_passwords_at_once(context: Context) -> None:
    """The owner signs in five times while twenty guesses arrive: a success in flight
    holds a place (so a guess may be refused meanwhile) and gives back only its own; at
    most five guesses reach the password check, and only five failures lock."""
    tenant = new_tenant(context, "mixed")
    secret = SECRET.get_secret_value()
    right, *wrong = race(PROCESSES, workers.mixed, (context.database.url, secret, tenant))
    guesses = [status for one in wrong for status in one]
    assert set(right) <= {200, 429} and set(guesses) <= {401, 429}, (right, guesses)
    assert guesses.count(401) <= 5, guesses
    with context.database.read() as connection:
        f = t.sign_in_failures.c
        row = connection.execute(
            select(f.failed, f.locked_until).where(f.tenant_id == tenant)
        ).one()
    assert row.failed == guesses.count(401)
    assert (row.locked_until is not None) == (row.failed >= 5)


def test_the_lock_counts_a_success_as_no_failure_and_forgets_nothing(
    client: TestClient, api: Api, clock: Clock
) -> None:
    def sign_in(password: str) -> int:
        body = {"tenant": api.tenant, "username": "owner", "password": password}
        return client.post("/v1/auth/login", json=body).status_code

    assert [sign_in("wrong guess!") for _ in range(4)] == [401] * 4
    assert sign_in(PASSWORD) == 200  # a success is not a failure…
    assert sign_in(PASSWORD) == 200
    assert sign_in("wrong guess!") == 401  # …but it does not forget the four: the fifth
    assert sign_in(PASSWORD) == 429
    clock.advance(minutes=15)
    assert sign_in(PASSWORD) == 200


def test_a_locked_answer_says_when(client: TestClient, api: Api, clock: Clock) -> None:
    body = {"tenant": api.tenant, "username": "owner", "password": "wrong guess!"}
    for _ in range(5):
        assert client.post("/v1/auth/login", json=body).status_code == 401
    clock.advance(minutes=5)
    locked: httpx.Response = client.post("/v1/auth/login", json={**body, "password": PASSWORD})
    assert locked.status_code == 429 and locked.headers["Retry-After"] == str(10 * 60)
    assert "'owner' may sign in again at 09:15:00 UTC" in locked.json()["message"]


def test_a_tenant_that_does_not_exist_is_counted_apart_and_forgotten(
    client: TestClient, context: Context, clock: Clock
) -> None:
    """Anyone may try to sign in: a tenant that does not exist gets no rows of its own;
    its counts are kept under one place for strangers (by a digest) and a tick forgets
    them once their window has passed, as it forgets a tenant's."""
    body = {"tenant": "no-such-tenant", "username": "owner", "password": "wrong guess!"}

    def counted(tenant: str) -> set[str]:
        with context.database.read() as connection:
            f = t.sign_in_failures.c
            rows = connection.execute(select(f.username).where(f.tenant_id == tenant))
            return set(rows.scalars())

    # strangers are one place for every test of this database: other tests' tries (the
    # API's fuzzers sign in to tenants that do not exist) may be there already
    before = counted(sessions.STRANGERS)
    assert [client.post("/v1/auth/login", json=body).status_code for _ in range(7)] == (
        [401] * 5 + [429] * 2
    )
    new = counted(sessions.STRANGERS) - before
    assert counted("no-such-tenant") == set() and len(new) == 1
    clock.advance(minutes=31)  # past the window and the lock
    tick(context)
    assert counted(sessions.STRANGERS) & new == set()


def test_a_tick_forgets_counts_whose_window_has_passed(
    client: TestClient, api: Api, clock: Clock, context: Context
) -> None:
    for name in ("ann", "bob"):
        body = {"tenant": api.tenant, "username": name, "password": "wrong guess!"}
        assert client.post("/v1/auth/login", json=body).status_code == 401

    def counted() -> list[str]:
        with context.database.read() as connection:
            f = t.sign_in_failures.c
            return sorted(
                connection.execute(select(f.username).where(f.tenant_id == api.tenant)).scalars()
            )

    assert forget_stale(context, api.tenant) == 0
    assert counted() == ["ann", "bob", "owner"]  # the owner signed in: a count of 0
    clock.advance(minutes=16)
    tick(context, [api.tenant])  # which finds the tenant's rows to forget in one probe
    assert counted() == []


def test_every_refused_sign_in_takes_one_password_check(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """User enumeration by time: an Argon2 check is most of a sign-in's time, so an
    unknown user, a wrong password and a disabled user (refused even with the right
    password) must each take exactly one, or the quick answer tells which users exist
    and which are disabled."""
    api.ok(api.post("/v1/users", {"username": "gone", "password": PASSWORD, "role": "viewer"}))
    api.ok(api.patch("/v1/users/gone", {"disabled": True}))
    checks: list[str] = []
    real = sessions.auth.password_matches

    def counted(stored: str, given: str) -> bool:
        checks.append(given)
        return real(stored, given)

    monkeypatch.setattr(sessions.auth, "password_matches", counted)
    for username, password in (
        ("nobody", PASSWORD),  # no such user
        ("owner", "wrong password!"),  # a wrong password
        ("gone", PASSWORD),  # disabled, the right password
        ("gone", "wrong password!"),  # disabled, a wrong one
    ):
        checks.clear()
        answer = api.client.post(
            "/v1/auth/login",
            json={"tenant": api.tenant, "username": username, "password": password},
        )
        assert answer.status_code == 401, (username, answer.text)
        assert answer.json()["message"] == "unknown tenant, user or password", username
        assert checks == [password], username


def test_a_tenant_that_does_not_exist_is_answered_as_one_that_does(api: Api) -> None:
    """Six wrong sign-ins lock a username whether or not its tenant exists: answered
    otherwise (the unknown tenant never locking), the sixth told which tenants exist."""
    answers: dict[str, list[int]] = {}
    for tenant in (api.tenant, "no-such-tenant"):
        answers[tenant] = [
            api.client.post(
                "/v1/auth/login",
                json={"tenant": tenant, "username": "nobody", "password": "wrong guess!"},
            ).status_code
            for _ in range(7)
        ]
    assert answers[api.tenant] == answers["no-such-tenant"] == [401] * 5 + [429] * 2
