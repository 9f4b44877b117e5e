"""A demo tenant, seeded through the same use cases an integrator calls."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from zengzhi.engine.zones import ModesConfig
from zengzhi.service import catalog, members, orders, pools, tenants, users, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.catalog import ProductIn, StoreIn, ZoneIn
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool, SubsidyRequest
from zengzhi.service.tenants import NewTenant
from zengzhi.service.users import NewApiKey
from zengzhi.service.wallets import WithdrawalRequest
from zengzhi.store.tenants import tenant_exists

DEMO = "demo"


@dataclass(frozen=True)
class DemoAccess:
    tenant: str
    username: str
    password: str | None  # None: the tenant existed already, its password is unchanged
    api_key: str | None


# the demo's people, as a Chinese platform's members are named (m1 is 张伟, c1 is 郑爽)
NAMES: tuple[str, ...] = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏")
NAMES += ("周杰", "吴婷", "徐浩", "孙丽", "胡军", "朱琳", "高鹏", "林峰", "何雪", "郭强")
NAMES += ("马超", "罗欣")
CLUB_NAMES = ("郑爽", "谢涛", "韩梅", "唐亮", "冯雨", "曹宇")


def seed(context: Context) -> DemoAccess:
    """Create the demo tenant if it is not there: two pools, a product, a store, members,
    orders through their whole life cycle, a sale, a subsidy and a withdrawal request;
    and a club zone running two companion modes (refer three, the union queue)."""
    if query(context, lambda connection: tenant_exists(connection, DEMO)):
        return DemoAccess(DEMO, "owner", None, None)
    # hex: a password printed to be pasted after --password must not start with "-"
    # (token_urlsafe's did, one run in 32: argparse read it as an option)
    password = secrets.token_hex(12)
    tenants.create_tenant(
        context, NewTenant(id=DEMO, name="演示商城", owner="owner", password=password)
    )
    owner = Principal(DEMO, "system:demo", Role.OWNER)
    key = users.create_api_key(context, owner, NewApiKey(name="商城系统"))
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    pools.open_pool(context, owner, NewPool(id="local", exit_multiple="1.2"))
    catalog.put_item(context, owner, "zone", "mall", ZoneIn(pool="main"))
    catalog.put_item(
        context,
        owner,
        "product",
        "gift",
        ProductIn(
            name="健康礼盒",
            price="1000.00",
            cost="300.00",
            distribution="300.00",
            platform="100.00",
            contribution="300.00",
            zone="mall",
            pool="main",
        ),
    )
    catalog.put_item(
        context,
        owner,
        "store",
        "noodles",
        StoreIn(
            name="兰州拉面馆",
            commission_rate="0.20",
            platform_rate="0.02",
            distribution_rate="0.02",
            pool="local",
        ),
    )
    for n in range(1, 21):
        members.create_member(context, owner, NewMember(id=f"m{n}", name=NAMES[n - 1]))
    for n in range(1, 21):
        _buy(context, owner, NewOrder(id=f"o{n}", member=f"m{n}", product="gift"))
    for n in range(1, 6):
        _buy(
            context,
            owner,
            NewOrder(id=f"l{n}", member=f"m{n}", store="noodles", amount="1000.00"),
        )
    _club(context, owner)
    members.sell(context, owner, "m2", SellRequest(id="demo-sale", points="all"))
    pools.subsidize(
        context,
        owner,
        "main",
        SubsidyRequest(id="demo-subsidy", amount="3000.00", reason="开业补贴"),
    )
    wallets.request_withdrawal(
        context, owner, "m2", WithdrawalRequest(id="demo-withdrawal", amount="100.00")
    )
    return DemoAccess(DEMO, "owner", password, key.token)


def _club(context: Context, owner: Principal) -> None:
    """A zone with refer-three and the union queue: c1 refers c2…c6, each buys a pack."""
    modes = ModesConfig.model_validate(
        {
            "refer_three": {"funding": "0.20"},
            "union": {"funding": "0.30", "lock_days": 15, "dynamic": "0.2"},
        }
    )
    catalog.put_item(context, owner, "zone", "club", ZoneIn(modes=modes))
    catalog.put_item(
        context,
        owner,
        "product",
        "pack",
        ProductIn(
            name="工会礼包",
            price="500.00",
            cost="150.00",
            platform="250.00",
            contribution="100.00",
            zone="club",
            pool="main",
        ),
    )
    members.create_member(context, owner, NewMember(id="c1", name=CLUB_NAMES[0]))
    for n in range(2, 7):
        members.create_member(
            context, owner, NewMember(id=f"c{n}", name=CLUB_NAMES[n - 1], referrer="c1")
        )
    for n in range(1, 7):
        order_id = f"club{n}"
        orders.create_order(context, owner, NewOrder(id=order_id, member=f"c{n}", product="pack"))
        orders.pay(context, owner, order_id)


def _buy(context: Context, owner: Principal, order: NewOrder) -> None:
    """Create, pay and complete an order (the demo's zones may hold orders back a while)."""
    orders.create_order(context, owner, order)
    orders.pay(context, owner, order.id)
    orders.complete(context, owner, order.id)
