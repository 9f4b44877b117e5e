"""The database schema (SQLAlchemy Core). Alembic's migrations create exactly this.

Every table's primary key and every index starts with `tenant_id`, so that a deployment
that outgrows one database can distribute every table by tenant (Citus:
`create_distributed_table(t, 'tenant_id')`, all tables co-located) without changing a
key. Money and points are BIGINT minor units (fen; 1/10000 point), never floats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every time in zengzhi carries its zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Json: Any = JSON().with_variant(JSONB(), "postgresql")
# An id a caller gives is at most 128 characters (the API's pattern); the columns are
# wider because what the service derives from ids is longer: an event's `sell:<id>`, a
# binding's `bind:<member>:<referrer>`, an asset's `PTS:<pool>`, an account's
# `member:<id>:points:<pool>` (at 128 they answered 500 on PostgreSQL, migration 0018).
Id = String(300)
Asset = String(160)
Account = String(600)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _tenant() -> Column[str]:
    return Column("tenant_id", Id, nullable=False)


tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Id, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("settings", Json, nullable=False),  # completion delay, withdrawals…
    # counters, advanced under the tenant row's lock as each command commits
    Column("event_seq", BigInteger, nullable=False, default=0),
    Column("entry_seq", BigInteger, nullable=False, default=0),
    Column("audit_seq", BigInteger, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    # numbers the webhook events (the outbox), like the counters above
    Column("webhook_seq", BigInteger, nullable=False, server_default="0"),
    # the active webhook subscriptions, counted by the commands that change one: a
    # command reads them only when there is one (store/tenants.py `numbering`)
    Column("active_webhooks", Integer, nullable=False, server_default="0"),
)
# A tenant id and a username are one name in any case ("Acme" is "acme"): sign-in finds
# them so, and a second spelling would be a look-alike of the first in the audit log.
# The directory is a reference table (docs/service.md), the one index not led by the
# column itself.
Index("uq_tenants_folded_id", func.lower(tenants.c.tenant_id), unique=True)

users = Table(
    "users",
    metadata,
    _tenant(),
    Column("username", String(100), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "username"),
)
Index("uq_users_folded_username", users.c.tenant_id, func.lower(users.c.username), unique=True)

# Sign-in attempts by the tenant and the username asked for, in lower case (whether or
# not the user exists, so that the answers do not tell which users do; one count for
# every spelling of a name, as sign-in finds it in any case); a user who fails too
# often is locked.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    _tenant(),
    Column("username", String(100), nullable=False),
    # attempts of the window not (yet) successful: counted before the password is checked
    Column("failures", Integer, nullable=False),
    Column("first_at", UTCDateTime, nullable=False),  # the first attempt of the window
    Column("locked_until", UTCDateTime),
    # attempts of the window whose password was wrong: the fifth locks
    Column("failed", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("tenant_id", "username"),
)

# Sessions: a console sign-in or a member page token, named by the id its token carries
# (`sid`). A token is accepted only while its row is there, unexpired and not revoked:
# signing out, a password change and a revocation end it at once.
sessions = Table(
    "sessions",
    metadata,
    _tenant(),
    Column("session_id", String(32), nullable=False),
    Column("kind", String(10), nullable=False),  # user (the console, the API), member (page)
    Column("subject", Id, nullable=False),  # the username, or the member's id
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    PrimaryKeyConstraint("tenant_id", "session_id"),
    Index("ix_sessions_subject", "tenant_id", "kind", "subject"),
)

# Counters of unauthenticated writes in a window (refused gateway notifications kept a
# minute…): counted by one upsert, so that processes at once cannot all see room.
rate_limits = Table(
    "rate_limits",
    metadata,
    _tenant(),
    Column("key", String(100), nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("tenant_id", "key"),
)

api_keys = Table(
    "api_keys",
    metadata,
    _tenant(),
    Column("key_id", String(32), nullable=False),
    Column("secret_hash", String(128), nullable=False),  # sha256 of a 256-bit secret
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    # who made it ("user:alice", "cli:operator"): a user losing the owner's rights
    # revokes the keys they made, whose tokens they saw (migration 0026)
    Column("created_by", String(200)),
    PrimaryKeyConstraint("tenant_id", "key_id"),
)

members = Table(
    "members",
    metadata,
    _tenant(),
    Column("member_id", Id, nullable=False),  # the integrator's own id
    Column("phone", String(32)),
    Column("name", String(200)),
    Column("real_name_verified", Boolean, nullable=False, default=False),
    Column("referrer", Id),
    # the recruiter of the store whose code bound the member (its 间推 when so configured)
    Column("sponsor", Id),
    Column("region", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    # the whole downline's completed orders, and the star level it earns (spec 02)
    Column("team_performance", BigInteger, nullable=False, server_default="0"),
    Column("team_level", Integer, nullable=False, server_default="0"),
    # the member's completed orders (fen): kept by store/orders.py with each completion
    # and reversal, checked by `zengzhi audit` (migration 0013)
    Column("spent", BigInteger, nullable=False, server_default="0"),
    # the wallet's balance (fen), the points held in every pool, the direct referees:
    # kept with the balances and the referrer (store/member_figures.py, migration 0015)
    Column("wallet", BigInteger, nullable=False, server_default="0"),
    Column("points", BigInteger, nullable=False, server_default="0"),
    Column("team", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("tenant_id", "member_id"),
    Index("ix_members_tenant_phone", "tenant_id", "phone"),
    Index("ix_members_referrer", "tenant_id", "referrer"),
    Index("ix_members_level", "tenant_id", "team_level"),
    Index("ix_members_spent", "tenant_id", "spent", "member_id"),
    Index("ix_members_created", "tenant_id", "created_at", "member_id"),
    Index("ix_members_name", "tenant_id", "name", "member_id"),  # a name search reads it alone
    Index("ix_members_wallet", "tenant_id", "wallet", "member_id"),
    Index("ix_members_points", "tenant_id", "points", "member_id"),
    Index("ix_members_team", "tenant_id", "team", "member_id"),
)

# One account per phone (distribution limits): the phone's digits as a key, claimed by
# the member that registered it while the limit is on; two registrations at once cannot
# both claim it.
member_phones = Table(
    "member_phones",
    metadata,
    _tenant(),
    Column("phone", String(32), nullable=False),  # digits, with a leading + if given
    Column("member_id", Id, nullable=False),
    PrimaryKeyConstraint("tenant_id", "phone"),
)

agents = Table(
    "agents",
    metadata,
    _tenant(),
    Column("region", String(200), nullable=False),  # "province/city/district", or an area
    Column("level", String(20), nullable=False),  # town, district, city, province, area
    Column("member_id", Id, nullable=False),
    Column("fee", BigInteger, nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "region", "level"),
)

zones = Table(
    "zones",
    metadata,
    _tenant(),
    Column("zone_id", Id, nullable=False),
    Column("pool", Id),
    Column("completion_delay_seconds", Integer, nullable=False, default=0),
    Column("modes", Json, nullable=False),
    Column("starts_at", UTCDateTime),
    Column("ends_at", UTCDateTime),
    PrimaryKeyConstraint("tenant_id", "zone_id"),
)

# The companion modes' promises, one row per claim, paid first in first out by `seq`.
mode_claims = Table(
    "mode_claims",
    metadata,
    _tenant(),
    Column("zone", Id, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("amount", BigInteger, nullable=False),  # promised, in the mode's asset units
    Column("owed", BigInteger, nullable=False),  # still owed (0: closed)
    Column("daily", BigInteger, nullable=False),
    Column("payable", Integer, nullable=False),  # the first day it may be paid (ordinal)
    Column("cause", Id, nullable=False),
    Column("ref", String(128), nullable=False),
    # its cause was reversed: owes nothing, and what it paid was taken back (spec 03)
    Column("void", Boolean, nullable=False, server_default=false()),
    # paid over that many days, each day's share rounded down (0: `daily` a day)
    Column("days", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("tenant_id", "zone", "mode", "seq"),
)

# Who else was paid because of a claim (an upline's share of an ad release), so that
# voiding the claim takes it back from them too.
mode_payouts = Table(
    "mode_payouts",
    metadata,
    _tenant(),
    Column("zone", Id, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("fen", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "zone", "mode", "seq", "member_id"),
)
_OPEN = text("owed > 0")  # the queues walk open claims only: closed ones stay out of the index
Index(
    "ix_mode_claims_open",
    mode_claims.c.tenant_id,
    mode_claims.c.zone,
    mode_claims.c.mode,
    mode_claims.c.seq,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)
Index(
    "ix_mode_claims_member",
    mode_claims.c.tenant_id,
    mode_claims.c.zone,
    mode_claims.c.mode,
    mode_claims.c.member_id,
    mode_claims.c.seq,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)

# The modes' counters: a referrer's place in the refer-three cycle, the last ad-task day,
# the three-for-one count, the union pool's inflow by day, the last day a zone ran…
# A day run in parts (docs/modes.md, "A day in parts"): what each member's claims have
# released so far, kept from the part that counts them to the parts that pay them and
# accelerate their uplines; `seq` is the member's first claim released (their place).
mode_day_tally = Table(
    "mode_day_tally",
    metadata,
    _tenant(),
    Column("zone", Id, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("member_id", Id, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("fen", BigInteger, nullable=False),
    Column("units", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "zone", "mode", "member_id"),
)
Index(
    "ix_mode_day_tally_seq",
    mode_day_tally.c.tenant_id,
    mode_day_tally.c.zone,
    mode_day_tally.c.mode,
    mode_day_tally.c.seq,
)

mode_counters = Table(
    "mode_counters",
    metadata,
    _tenant(),
    Column("zone", Id, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("key", String(200), nullable=False),
    Column("value", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "zone", "mode", "key"),
)

products = Table(
    "products",
    metadata,
    _tenant(),
    Column("product_id", Id, nullable=False),
    Column("name", String(200)),
    Column("split", Json, nullable=False),  # price, cost, distribution, platform, contribution
    Column("zone", Id),
    Column("modes", Json),  # the product's own value for a mode: {"ads": "1.1"}
    Column("pool", Id),
    PrimaryKeyConstraint("tenant_id", "product_id"),
)

stores = Table(
    "stores",
    metadata,
    _tenant(),
    Column("store_id", Id, nullable=False),
    Column("name", String(200)),
    Column("owner", Id),
    Column("recruiter", Id),
    Column("region", String(64)),
    Column("commission", Json, nullable=False),  # commission, platform, distribution rates
    Column("zone", Id),
    Column("pool", Id),
    Column("settlement_account", String(200)),
    PrimaryKeyConstraint("tenant_id", "store_id"),
)

pools = Table(
    "pools",
    metadata,
    _tenant(),
    Column("pool_id", Id, nullable=False),
    Column("params", Json, nullable=False),
    Column("last_price_fen", BigInteger),  # the price when points last circulated, exactly
    Column("last_price_units", BigInteger),
    Column("next_opened", BigInteger, nullable=False, default=0),
    PrimaryKeyConstraint("tenant_id", "pool_id"),
)

positions = Table(
    "positions",
    metadata,
    _tenant(),
    Column("pool_id", Id, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("opened", BigInteger, nullable=False),
    Column("principal", BigInteger, nullable=False),
    Column("realized", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
    # the exit price as 60 digits (see rules/pool.py): ordered text, NULL = cannot exit
    Column("exit_key", String(60)),
    # the member's history in the pool, kept when the stake closes (`opened` 0): what
    # the pool ever paid the member, and the reversal debts ever charged (spec 01)
    Column("paid", BigInteger, nullable=False, server_default="0"),
    Column("charged", BigInteger, nullable=False, server_default="0"),
    # the `seq` the position's next lot takes (its lots: `position_lots`); NULL in a
    # position opened before lots were kept (its reversals keep the old rule), and in a
    # closed row
    Column("next_lot", BigInteger),
    PrimaryKeyConstraint("tenant_id", "pool_id", "member_id"),
    Index("ix_positions_exit", "tenant_id", "pool_id", "exit_key", "opened"),
)

# An open position's points by what minted them (rules/pool.py Position.lots), one row a
# mint, oldest first by `seq`: a mint inserts one, a sale reads the oldest still holding
# points (the partial index) as far as it sells and updates those, a reversal reads and
# empties its own order's by `cause`; a position that closes moves its own to
# `closed_lots`. Sold-out lots stay while the position is open: a reversal charges their
# sale back.
position_lots = Table(
    "position_lots",
    metadata,
    _tenant(),
    Column("pool_id", Id, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("cause", Id, nullable=False),  # what minted it: an order's event id (order:<id>)…
    Column("held", BigInteger, nullable=False),  # units still held
    Column("sold_value", BigInteger, nullable=False),  # fen: the sale value of those sold
    Column("sold_payout", BigInteger, nullable=False),  # fen: what those sales paid
    PrimaryKeyConstraint("tenant_id", "pool_id", "member_id", "seq"),
    Index("ix_position_lots_cause", "tenant_id", "pool_id", "member_id", "cause"),
    Index(
        "ix_position_lots_held",
        "tenant_id",
        "pool_id",
        "member_id",
        "seq",
        postgresql_where=text("held > 0"),
        sqlite_where=text("held > 0"),
    ),
)

# The lots of a stake that closed (an exit, or a reversal that left it nothing), each
# with what its points were paid, their share of the exit included: the bound of a
# reversal of its order after the close (rules/pool.py `reverse_mint`). Written once, as
# the stake closes (a cause mints once for a member in a pool); read by a reversal.
closed_lots = Table(
    "closed_lots",
    metadata,
    _tenant(),
    Column("pool_id", Id, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("cause", Id, nullable=False),
    Column("sold_payout", BigInteger, nullable=False),  # fen: sales and the exit's share
    PrimaryKeyConstraint("tenant_id", "pool_id", "member_id", "cause"),
)

balances = Table(
    "balances",
    metadata,
    _tenant(),
    Column("account", Account, nullable=False),
    Column("asset", Asset, nullable=False),
    Column("amount", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "account", "asset"),
)

entries = Table(
    "entries",
    metadata,
    _tenant(),
    Column("entry_id", BigInteger, nullable=False),
    Column("cause", Id, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("rule", String(40), nullable=False),
    Column("params", Json, nullable=False),
    Column("corrects", Id),
    Column("at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "entry_id"),
    Index("ix_entries_cause", "tenant_id", "cause"),
    Index("ix_entries_kind_at", "tenant_id", "kind", "at"),  # the day's sales, exits…
)

postings = Table(
    "postings",
    metadata,
    _tenant(),
    Column("entry_id", BigInteger, nullable=False),
    Column("n", Integer, nullable=False),
    Column("account", Account, nullable=False),
    Column("asset", Asset, nullable=False),
    Column("amount", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "entry_id", "n"),
    ForeignKeyConstraint(["tenant_id", "entry_id"], ["entries.tenant_id", "entries.entry_id"]),
    Index("ix_postings_account", "tenant_id", "account", "asset", "entry_id"),
)

# Each day's postings summed by account (a member's by kind: `member:*:wallet`…), kept
# by the ledger's writes for reports that look back a month (store/ledger_days.py)
ledger_days = Table(
    "ledger_days",
    metadata,
    _tenant(),
    Column("day", Date, nullable=False),  # the entries' day, UTC
    Column("account", Account, nullable=False),
    Column("asset", Asset, nullable=False),
    Column("amount", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "day", "account", "asset"),
)

# The tenant's event log, in commit order: `zengzhi replay` of it rebuilds the state.
events = Table(
    "events",
    metadata,
    _tenant(),
    Column("seq", BigInteger, nullable=False),
    Column("event_id", Id, nullable=False),
    Column("body", Text, nullable=False),  # one JSON line, as `zengzhi replay` reads it
    Column("at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "seq"),
    Index("ix_events_event", "tenant_id", "event_id", unique=True),
)

orders = Table(
    "orders",
    metadata,
    _tenant(),
    Column("order_id", Id, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("store_id", Id),
    Column("status", String(20), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("lines", Json, nullable=False),  # the split of each line, fixed at creation
    Column("request_hash", String(64), nullable=False),  # same id, other body: a conflict
    Column("return_window", Integer, nullable=False),  # seconds from payment to completion
    Column("region", String(200)),  # where it counts for regional agents
    Column("recruiter", Id),  # the store's recruiter when the order was created
    Column("minted", Json),  # what completion gave, for a reversal
    Column("rewards", Json),  # the rewards completion paid, for a reversal
    Column("modes", Json),  # what completion did in the companion modes, for a reversal
    Column("grew", Json),  # whose team performance completion grew, for a reversal
    Column("shopping_points", BigInteger, nullable=False, server_default="0"),  # paid in points
    Column("created_at", UTCDateTime, nullable=False),
    Column("paid_at", UTCDateTime),
    Column("due_at", UTCDateTime),  # completion is due (paid + the return window)
    Column("completed_at", UTCDateTime),
    Column("closed_at", UTCDateTime),  # refunded, cancelled or reversed
    Column("reversed_by", Id),
    PrimaryKeyConstraint("tenant_id", "order_id"),
    Index("ix_orders_due", "tenant_id", "status", "due_at"),
    Index("ix_orders_member", "tenant_id", "member_id", "created_at"),
    Index("ix_orders_created", "tenant_id", "created_at", "order_id"),  # the console's list
    Index("ix_orders_status_created", "tenant_id", "status", "created_at", "order_id"),
    Index("ix_orders_store", "tenant_id", "store_id", "created_at"),
)

# Commands other than orders (sales, subsidies, withdrawals…) by their request id:
# a repeated id returns the first answer; the same id with another body is a conflict.
commands = Table(
    "commands",
    metadata,
    _tenant(),
    Column("command_id", Id, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("response", Json, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "command_id"),
)

withdrawals = Table(
    "withdrawals",
    metadata,
    _tenant(),
    Column("withdrawal_id", Id, nullable=False),
    Column("member_id", Id, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("fee", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),  # held, approved, paid, rejected
    Column("requested_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("decided_by", String(100)),
    Column("paid_at", UTCDateTime),
    Column("note", String(500)),
    # the status a rejected withdrawal left: held (never approved, so never sent to any
    # gateway) or approved; NULL when not rejected, or rejected before migration 0025
    # with no record of it in the audit log (then taken as possibly approved)
    Column("rejected_from", String(20)),
    PrimaryKeyConstraint("tenant_id", "withdrawal_id"),
    Index("ix_withdrawals_status", "tenant_id", "status", "requested_at"),
    Index("ix_withdrawals_member", "tenant_id", "member_id", "requested_at"),
)

pool_history = Table(
    "pool_history",
    metadata,
    _tenant(),
    Column("pool_id", Id, nullable=False),
    Column("seq", BigInteger, nullable=False),  # the event that left the pool so
    Column("at", UTCDateTime, nullable=False),
    Column("balance", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
    # with no point circulating, the price the pool keeps (its last one, spec 01), exactly;
    # NULL when points circulate (balance / points) and in rows written before 0022
    Column("price_fen", BigInteger),
    Column("price_units", BigInteger),
    PrimaryKeyConstraint("tenant_id", "pool_id", "seq"),
    Index("ix_pool_history_at", "tenant_id", "pool_id", "at", "seq"),  # price at a moment
)

audit_log = Table(
    "audit_log",
    metadata,
    _tenant(),
    Column("audit_id", BigInteger, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(300)),
    Column("before", Json),
    Column("after", Json),
    Column("reason", String(1000)),
    PrimaryKeyConstraint("tenant_id", "audit_id"),
    # an action's records of one object, or of all (the orders pages' payments after a
    # cancel, the audit page's filter): migration 0028
    Index("ix_audit_log_action_target", "tenant_id", "action", "target"),
)

job_runs = Table(
    "job_runs",
    metadata,
    _tenant(),
    Column("job", String(60), nullable=False),
    Column("day", String(10), nullable=False),  # ISO date the run is for
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("result", Json),
    PrimaryKeyConstraint("tenant_id", "job", "day"),
)

# Background runs (a simulation, a dry run: service/background.py), claimed by any
# worker; their input and output files are kept in `run_files`, so that any server can
# answer for any run.
runs = Table(
    "runs",
    metadata,
    _tenant(),
    Column("run_id", String(32), nullable=False),  # 20261203T101500-3fa2c1
    Column("kind", String(20), nullable=False),  # simulation, dry_run
    Column("status", String(20), nullable=False),  # core/lifecycles.py RunStatus
    Column("arguments", Json, nullable=False),  # the command; "{out}" is its folder
    Column("meta", Json, nullable=False),  # what the starter kept with it
    Column("stdout", String(64)),  # the file its standard output goes to
    Column("database", Boolean, nullable=False),  # it reads the worker's database
    Column("timeout_seconds", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(200)),  # host:pid:token of the worker running it
    Column("claimed_at", UTCDateTime),
    Column("heartbeat_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("progress_done", BigInteger),
    Column("progress_total", BigInteger),
    Column("progress_unit", String(20)),
    Column("exit_code", Integer),
    Column("error", Text),  # the end of its error output, when it failed
    # who started it, as the audit log names them (key:<id>, user:<name>); NULL: the
    # command line, the system, or a run started before migration 0024
    Column("started_by", String(200)),
    PrimaryKeyConstraint("tenant_id", "run_id"),
    Index("ix_runs_kind", "tenant_id", "kind", "run_id"),
    Index("ix_runs_status", "tenant_id", "status"),
)

run_files = Table(
    "run_files",
    metadata,
    _tenant(),
    Column("run_id", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    PrimaryKeyConstraint("tenant_id", "run_id", "name"),
    ForeignKeyConstraint(["tenant_id", "run_id"], ["runs.tenant_id", "runs.run_id"]),
)


# ---------------------------------------------------------------------------- integration
# Webhooks (an outbox written in the command's own transaction), the payment gateway's
# settings and the notifications it sent. See docs/integration.md.

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    _tenant(),
    Column("subscription_id", Id, nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),  # kept as is: it signs every delivery
    Column("event_types", Json, nullable=False),  # ["order.completed", "withdrawal.*", "*"]
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "subscription_id"),
)

# One row per webhook event, numbered by the tenant's `webhook_seq` in commit order.
webhook_events = Table(
    "webhook_events",
    metadata,
    _tenant(),
    Column("event_no", BigInteger, nullable=False),
    Column("event_id", String(64), nullable=False),  # the receivers' de-duplication key
    Column("type", String(100), nullable=False),
    Column("member", Id),  # the member it is ordered by (None: the tenant's own events)
    Column("body", Text, nullable=False),  # the exact JSON that is signed and sent
    Column("at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "event_no"),
    Index("ix_webhook_events_event", "tenant_id", "event_id", unique=True),
)

# Each event for each subscription that wants it: pending until a 2xx answer.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    _tenant(),
    Column("subscription_id", Id, nullable=False),
    Column("event_no", BigInteger, nullable=False),
    Column("ordering_key", Id, nullable=False),  # the member, or "" for tenant events
    Column("status", String(20), nullable=False),  # pending, delivered, failed, cancelled
    Column("attempts", Integer, nullable=False),  # failed attempts since created or replayed
    Column("next_attempt_at", UTCDateTime, nullable=False),  # also a claim's lease
    Column("claimed_by", String(32)),  # the dispatcher pass sending it now
    Column("last_status_code", Integer),
    Column("last_error", String(500)),
    Column("delivered_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "subscription_id", "event_no"),
    Index("ix_webhook_deliveries_due", "tenant_id", "status", "next_attempt_at"),
    Index(
        "ix_webhook_deliveries_order",
        "tenant_id",
        "subscription_id",
        "ordering_key",
        "status",
        "event_no",
    ),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    _tenant(),
    Column("subscription_id", Id, nullable=False),
    Column("event_no", BigInteger, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("outcome", String(20), nullable=False),  # delivered, refused, timeout, error
    Column("status_code", Integer),
    Column("latency_ms", Integer, nullable=False),
    Column("error", String(500)),
    PrimaryKeyConstraint("tenant_id", "subscription_id", "event_no", "attempt"),
)

# Where a member's withdrawals are paid (service/payees.py): the method in clear, the real
# name and account encrypted (Fernet, ZENGZHI_PAYEE_KEYS), with a masked copy to show.
payees = Table(
    "payees",
    metadata,
    _tenant(),
    Column("member_id", Id, nullable=False),
    Column("method", String(20), nullable=False),  # wechat, alipay, bank
    Column("sealed", Text, nullable=False),  # Fernet token of {"real_name", "account", "bank"}
    Column("masked_name", String(100), nullable=False),
    Column("masked_account", String(100), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(100), nullable=False),
    PrimaryKeyConstraint("tenant_id", "member_id"),
)

# The tenant's payment and payout adapter: manual (finance marks paid) or a signed webhook.
payment_adapters = Table(
    "payment_adapters",
    metadata,
    _tenant(),
    Column("adapter", String(20), nullable=False),  # manual, webhook
    Column("secret", String(200)),  # signs notifications both ways (webhook adapter)
    Column("payout_url", String(2000)),  # where payout requests go (webhook adapter)
    Column("tolerance_seconds", Integer, nullable=False),  # how old a notification may be
    Column("updated_at", UTCDateTime, nullable=False),
    # wechat, alipay: the merchant's keys, encrypted (service/gateway_credentials.py)
    Column("credentials", Text),
    Column("merchant", String(64)),  # the mchid or app_id, shown
    PrimaryKeyConstraint("tenant_id"),
)

# A withdrawal sent to WeChat Pay or Alipay (service/gateway_payouts.py): its number there
# (the same on every re-send, so the gateway pays it once; a new one only after a definite
# failure) and what the gateway last said.
payouts = Table(
    "payouts",
    metadata,
    _tenant(),
    Column("withdrawal_id", Id, nullable=False),
    Column("out_no", String(32), nullable=False),  # out_bill_no / out_biz_no
    Column("adapter", String(20), nullable=False),
    Column("attempt", Integer, nullable=False),  # 1, then +1 after each definite failure
    Column("outcome", String(20), nullable=False),  # sending, paid, failed, pending, unknown…
    Column("detail", String(300)),
    Column("reference", String(64)),  # the gateway's id of the transfer
    # WeChat Pay's package for the payee's confirmation while the transfer waits for them
    Column("package_info", Text),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "withdrawal_id"),
    Index("ux_payouts_out_no", "tenant_id", "out_no", unique=True),
)

# Notifications the gateway sent that were verified and applied, by the gateway's id:
# the same id again is a replay and is refused.
gateway_notifications = Table(
    "gateway_notifications",
    metadata,
    _tenant(),
    Column("notification_id", Id, nullable=False),
    Column("type", String(40), nullable=False),
    Column("target", Id, nullable=False),  # the order or withdrawal
    Column("body", Json, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "notification_id"),
    # an order's payments notified before: a second is owed back (migration 0031)
    Index("ix_gateway_notifications_target", "tenant_id", "target"),
)

# Notifications refused (forged, stale, replayed, or naming what cannot be done).
gateway_refusals = Table(
    "gateway_refusals",
    metadata,
    _tenant(),
    Column("refusal_id", String(32), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("notification_id", String(128)),  # as claimed: unverified when forged
    Column("reason", String(40), nullable=False),  # signature, stale, replayed, invalid…
    Column("message", String(500), nullable=False),
    Column("body", Text, nullable=False),  # the first 4000 characters received
    PrimaryKeyConstraint("tenant_id", "refusal_id"),
    Index("ix_gateway_refusals_received", "tenant_id", "received_at"),
)
