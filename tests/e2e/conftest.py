"""Browser tests: a real `uvicorn` server (the app `zengzhi serve` runs) on a fresh SQLite
file, driven by Playwright through a Chromium found in this order: the one named by
ZENGZHI_TEST_CHROMIUM, else Debian's /usr/bin/chromium (what CI uses, installed by
.ci/run), else the one `python -m playwright install chromium` downloaded. Without any
the tests fail, with one line saying how to get one (docs/testing.md).

The tenant, its users and the integrator's API key are made through the service before
the server starts; everything after that goes through the pages and the HTTP API.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pydantic import SecretStr

from tests import server_process
from tests.conftest import record
from zengzhi.service import members, orders, pools, tenants, users, webhook_delivery, webhooks
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.demo import NAMES  # the demo's people: a Chinese platform's names
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import MemberPageSettings, NewTenant, TenantSettings
from zengzhi.service.users import NewApiKey, NewUser
from zengzhi.service.webhooks import SubscriptionIn
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"  # Debian's package `chromium`
CHROMIUM_ENV = "ZENGZHI_TEST_CHROMIUM"
GET_CHROMIUM = (
    "no Chromium for the browser tests: run `python -m playwright install chromium` "
    "(on Linux `python -m playwright install --with-deps chromium` adds its libraries) or "
    "install the distribution's (Debian: `apt-get install chromium`), or name one in "
    f"{CHROMIUM_ENV}"
)
# Without the background-networking flags Chromium keeps dialling out, and a closed
# network refuses it; the pages need nothing from outside.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TENANT = "acme"
PASSWORD = "correct horse battery staple"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@dataclass(frozen=True)
class Server:
    url: str
    api_key: str
    folder: Path
    database_url: str
    secret: str  # the server's secret key: a test's own Context reads what it sealed

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30
        )

    def owner(self) -> httpx.Client:
        """The API as the owner (a session): configuration, which the shop's key may not do."""
        login = {"tenant": TENANT, "username": "owner", "password": PASSWORD}
        token = httpx.post(f"{self.url}/v1/auth/login", json=login, timeout=30).json()["token"]
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests share a server, a browser and what earlier tests left on that
    server: under pytest-xdist they all run on one worker (--dist loadgroup)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SHOP_HOOK = "https://shop.example/hooks"  # the shop's webhook subscription


def prepare(url: str, secret: str) -> str:
    """The tenant, its console users, a pool with a month of orders, an API key, and a
    webhook subscription whose receiver answered 503 to the first deliveries."""
    moment = [datetime.now(UTC) - timedelta(days=30)]
    settings = Settings(database_url=url, secret_key=SecretStr(secret))
    context = Context(Database(url), settings, clock=lambda: moment[0])
    upgrade(context.database.writer)
    tenants.create_tenant(
        context, NewTenant(id=TENANT, name="Acme Mall", owner="owner", password=PASSWORD)
    )
    owner = Principal(TENANT, "user:owner", Role.OWNER)
    for name, role in (("fiona", Role.FINANCE), ("victor", Role.VIEWER)):
        users.create_user(context, owner, NewUser(username=name, password=PASSWORD, role=role))
    tenants.update_settings(
        context,
        owner,
        TenantSettings(
            member_page=MemberPageSettings(referral_link="https://shop.example/join?ref={member}")
        ),
    )
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    webhooks.create_subscription(context, owner, SubscriptionIn(url=SHOP_HOOK, event_types=["*"]))
    for n in range(1, 13):
        members.create_member(
            context, owner, NewMember(id=f"m{n}", name=NAMES[n - 1], phone=f"1380000{n:04d}")
        )
    for n in range(60):  # a month of history for the chart, from members m4 to m12
        moment[0] += timedelta(hours=12)
        amount = f"{200 + (n * 37) % 900}.00"
        order = NewOrder(
            id=f"past-{n}",
            member=f"m{4 + n % 9}",
            amount=amount,
            contribution=f"{int(amount[:-3]) * 3 // 10}.00",
        )
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
    key = users.create_api_key(context, owner, NewApiKey(name="shop")).token

    def busy(request: httpx.Request) -> httpx.Response:
        time.sleep(0.02)  # a receiver that takes its time, then refuses
        return httpx.Response(503, text="busy")

    with httpx.Client(transport=httpx.MockTransport(busy)) as client:
        webhook_delivery.dispatch(context, TENANT, client)
    context.database.dispose()
    assert key is not None
    return key


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'zengzhi.db'}"
    secret = secrets.token_urlsafe(40)
    key = prepare(url, secret)
    port = free_port()
    # the server runs in its own folder: a relative PYTHONPATH (PYTHONPATH=src) made absolute
    # so that it serves the code under test, not whatever copy is installed
    path = os.pathsep.join(
        str(Path(part).resolve()) for part in os.environ.get("PYTHONPATH", "").split(os.pathsep)
    )
    env = {
        **os.environ,
        **({"PYTHONPATH": path} if os.environ.get("PYTHONPATH") else {}),
        "ZENGZHI_DATABASE_URL": url,
        "ZENGZHI_SECRET_KEY": secret,
        "ZENGZHI_RUN_JOBS": "false",
        "ZENGZHI_RUNS_IN_PROCESS": "true",  # simulations and dry runs: no worker here
        "ZENGZHI_COOKIE_SECURE": "false",  # the browser talks plain HTTP to this server
        "ZENGZHI_SIMULATIONS_DIR": str(folder / "simulations"),
    }
    base = f"http://127.0.0.1:{port}"
    with server_process.serving(port, env, cwd=folder):
        yield Server(base, key, folder, url, secret)


def find_chromium(
    installed_by_playwright: str | None,
    environ: Mapping[str, str] = os.environ,
    system: str = CHROMIUM,
) -> str:
    """The Chromium the browser tests drive: ZENGZHI_TEST_CHROMIUM's (which must exist),
    else `system`, else Playwright's own; LookupError (one line: how to get one) if none."""
    named = environ.get(CHROMIUM_ENV)
    if named:
        if Path(named).is_file():
            return named
        raise LookupError(f"{CHROMIUM_ENV}={named} does not exist; {GET_CHROMIUM}")
    for candidate in (system, installed_by_playwright):
        if candidate and Path(candidate).is_file():
            return candidate
    raise LookupError(GET_CHROMIUM)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright, pytestconfig: pytest.Config) -> str:
    try:
        executable = find_chromium(playwright.chromium.executable_path)
    except LookupError as missing:  # no skipping: CI installs Debian's (.ci/run)
        pytest.fail(str(missing), pytrace=False)
    record(pytestconfig, f"Chromium for the browser tests: {executable}")
    return executable


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def new_context(browser: Browser, server: Server, **options: Any) -> BrowserContext:
    context = browser.new_context(base_url=server.url, **{"locale": "en-US", **options})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = new_context(browser, server)
    yield context.new_page()
    context.close()


def shop_subscription(api: httpx.Client) -> dict[str, Any]:
    """The shop's webhook subscription (made by `prepare`); tests may add and stop others."""
    [hook] = [one for one in api.get("/v1/webhooks").json() if one["url"] == SHOP_HOOK]
    return dict(hook)


def sign_in(page: Page, username: str = "owner", password: str = PASSWORD) -> None:
    page.goto("/console/login")
    page.get_by_label("Platform (tenant id)").fill(TENANT)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console")


# A union queue and ad-task points in zone "club": the modes' part of the tests
CLUB_MODES = """[union]
funding = "0.5"
lock_days = 15

[ads]
ratio = "1.1"
backed = true
"""


def modes_history(server: Server) -> None:
    """Through the API: zone club (unless the console made it already), distribution's
    commission, a union pack and an ad-task phone (as the owner), u1 who referred u2, and
    their orders (with the shop's key): u1's 80 yuan credit waits first in the queue and
    u1 has ad points to release."""
    with server.owner() as owner:
        configure_club(owner)
    with server.api() as api:
        if api.get("/v1/members/u1").status_code == 200:
            return
        assert api.post("/v1/members", json={"id": "u1", "name": "郑爽"}).status_code == 201
        assert api.post("/v1/members", json={"id": "u2", "referrer": "u1"}).status_code == 201
        for order, member, product in (
            ("c1", "u1", "pack"),
            ("c2", "u2", "pack"),
            ("c3", "u1", "phone"),
        ):
            body = {"id": order, "member": member, "product": product}
            assert api.post("/v1/orders", json=body).status_code == 201
            assert api.post(f"/v1/orders/{order}/pay").status_code == 200


def configure_club(api: httpx.Client) -> None:
    if api.get("/v1/zones/club").status_code == 404:
        modes = {
            "union": {"funding": "0.5", "lock_days": 15},
            "ads": {"ratio": "1.1", "backed": True},
        }
        assert api.put("/v1/zones/club", json={"modes": modes}).status_code == 200
    assert api.put("/v1/distribution", json={"commission": {"rates": ["0.10"]}}).status_code == 200
    pack = {"price": "100.00", "platform": "90.00", "distribution": "10.00", "zone": "club"}
    assert api.put("/v1/products/pack", json=pack).status_code == 200
    phone = {"price": "999.00", "platform": "999.00", "zone": "club", "modes": {"ads": "1"}}
    assert api.put("/v1/products/phone", json=phone).status_code == 200
