"""The companion modes' state in SQL: zone settings, counters and claims.

Loading a zone locks its row (`FOR UPDATE`) until the command commits: the commands that
touch a zone's modes run one at a time, in the order they commit, which is the order
the event log replays them in. Counters are written as they change; claim changes wait
in memory (a daily run touches every open claim) and reach the table in batches, before
the next read and at commit.

Within a command, a claim once read is kept, and a member's open claims once read (or
all of them, after a whole pass over the queue) are answered from memory: a daily run
asks for the same uplines' claims again and again, and a query each cost most of its
time on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    ScalarSelect,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from zengzhi.core.days import DEFAULT_TIMEZONE, day_of, time_zone
from zengzhi.core.errors import DomainError
from zengzhi.engine.zones import parse_zone
from zengzhi.rules.modes import green
from zengzhi.rules.modes.common import MODES, Claim, Tally
from zengzhi.rules.modes.zone import DAILY, DAY, LAST, ZoneModes
from zengzhi.store import tables as t
from zengzhi.store.database import Rows, bulk, bulk_update, one_of, write_together
from zengzhi.store.saved import parsed_as_saved
from zengzhi.store.tenanted import of_tenant
from zengzhi.store.tenants import tenants_having
from zengzhi.store.wanted import Wanted

_PAGE = 1000
# where a day in parts stands: read together, once a command
_DAY_COUNTERS = (green.PHASE, green.CURSOR, green.UPTO, green.AVAILABLE)
_DAY_KEYS = tuple(_DAY_COUNTERS)
_FIRST_PAGE = 10  # most orders look at the head of a queue only
_PERIOD = ("starts", "ends")  # the zone's own period: the zones table keeps it in columns

# Statements built once: a daily run reads claims and counters thousands of times.
_c = t.mode_claims.c
_CLAIMS = select(t.mode_claims).where(
    of_tenant(_c, bindparam("tenant")), _c.zone == bindparam("zone"), _c.mode == bindparam("mode")
)
_BY_MEMBER = _CLAIMS.where(_c.member_id == bindparam("member"), _c.owed > 0).order_by(_c.seq)
_BY_SEQ = _CLAIMS.where(_c.seq == bindparam("seq"))
_PAGE_AFTER = (
    _CLAIMS.where(_c.seq > bindparam("last"), _c.owed > 0)
    .order_by(_c.seq)
    .limit(bindparam("size", type_=Integer))
)
_SAVE = (
    update(t.mode_claims)
    .where(
        of_tenant(_c, bindparam("t_tenant")),
        _c.zone == bindparam("t_zone"),
        _c.mode == bindparam("t_mode"),
        _c.seq == bindparam("t_seq"),
    )
    .values(owed=bindparam("t_owed"), void=bindparam("t_void"))
)
_OF_MEMBERS = _CLAIMS.where(one_of(_c.member_id, "members"), _c.owed > 0).order_by(_c.seq)
_d = t.mode_day_tally.c
_TALLIED = (
    select(_d.seq, _d.member_id, _d.fen, _d.units)
    .where(
        of_tenant(_d, bindparam("tenant")),
        _d.zone == bindparam("zone"),
        _d.mode == bindparam("mode"),
        _d.seq > bindparam("after"),
    )
    .order_by(_d.seq)
)
_HISTORY = _CLAIMS.where(_c.member_id == bindparam("member")).order_by(_c.seq)
_PAID_BEFORE = (
    _CLAIMS.where(_c.seq < bindparam("before"), _c.owed == 0, _c.void.is_(False))
    .order_by(_c.seq.desc())
    .limit(1)
)
_p = t.mode_payouts.c
_PAYOUTS = select(_p.member_id, _p.fen).where(
    of_tenant(_p, bindparam("tenant")),
    _p.zone == bindparam("zone"),
    _p.mode == bindparam("mode"),
    _p.seq == bindparam("seq"),
)
_k = t.mode_counters.c
_COUNTER = select(_k.value).where(
    of_tenant(_k, bindparam("tenant")),
    _k.zone == bindparam("zone"),
    _k.mode == bindparam("mode"),
    _k.key == bindparam("key"),
)


def analyze_tally(connection: Connection) -> None:
    """Fresh planner statistics of the day's tally (PostgreSQL), which a day's count
    fills with a row a member and its last pass empties: taken for empty, as its
    statistics say between days, its rows were looked for along the wrong index (60 ms a
    part at 200,000 members). Autovacuum would gather them within a minute; a day's
    parts come sooner. Run outside the zone's lock: it blocks no writes."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE mode_day_tally")


def zone_settings(columns: Mapping[Any, Any]) -> dict[str, Any]:
    """A zones row (its columns by name) as the engine's settings: its modes and its
    period."""
    settings = dict(columns["modes"] or {})
    for name, column in zip(_PERIOD, ("starts_at", "ends_at"), strict=True):
        moment = columns[column]
        if moment is not None:
            settings[name] = moment.isoformat()
    return settings


def _parsed(zone: str, columns: Mapping[Any, Any]) -> ZoneModes:
    return parsed_as_saved(zone, lambda: parse_zone(zone_settings(columns)))


class SqlModes:
    def __init__(self, connection: Connection, tenant: str, wanted: Wanted | None = None) -> None:
        self._connection = connection
        self._tenant = tenant
        self._wanted = wanted
        self._zones: dict[str, ZoneModes | None] = {}
        self._locked: dict[str, Mapping[Any, Any] | None] = {}  # rows locked, not yet parsed
        self._counters: dict[tuple[str, str, str], int] = {}
        self._dirty: dict[tuple[str, str, int], Claim] = {}
        self._seen: dict[tuple[str, str, int], Claim] = {}  # every claim read, as it is now
        self._open: dict[tuple[str, str], dict[str, set[int]]] = {}  # member → open seqs
        self._whole: set[tuple[str, str]] = set()  # every open claim is in _open
        self._tally: dict[tuple[str, str, str], Tally] = {}  # added, not yet written
        self._tallied_after: dict[tuple[str, str], int] = {}  # where `tallied` read from

    # ------------------------------------------------------------------ zones

    def zone(self, zone: str) -> ZoneModes | None:
        if zone not in self._zones:
            if zone not in self._locked:
                self.lock_wanted({zone})
            row = self._locked.pop(zone)
            self._zones[zone] = None if row is None else _parsed(zone, row)
        return self._zones[zone]

    def lock_wanted(self, also: Collection[str] = ()) -> None:
        """Lock the zones a group wants (store/wanted.py) and `also`, those not locked yet,
        in zone order, in one statement: right after the group's orders and pools, before
        any command of it locks a balance (docs/service.md, "Lock order"). Each is parsed
        when a command asks for it (a zone saved with settings a newer rule refuses
        fails the command that uses it, not the one that happened to lock it)."""
        zones = set(also)
        if self._wanted:
            zones |= self._wanted.zones
            self._wanted.zones.clear()
        ids = sorted(zones - self._zones.keys() - self._locked.keys())
        if not ids:
            return
        z = t.zones.c
        found = {
            row.zone_id: row._mapping
            for row in self._connection.execute(
                select(t.zones)
                .where(of_tenant(z, self._tenant), z.zone_id.in_(ids))
                .order_by(z.zone_id)
                .with_for_update()
            )
        }
        for zone in ids:
            self._locked[zone] = found.get(zone)

    def configured(self, zone: str) -> tuple[str, ...] | None:
        z = t.zones.c
        saved = self._connection.execute(
            select(z.modes).where(of_tenant(z, self._tenant), z.zone_id == zone).with_for_update()
        ).first()
        if saved is None:
            return None
        return tuple(mode for mode in MODES if mode in (saved.modes or {}))

    def zones(self) -> dict[str, ZoneModes]:
        z = t.zones.c
        rows = self._connection.execute(
            select(t.zones).where(of_tenant(z, self._tenant)).order_by(z.zone_id)
        )
        return {row.zone_id: _parsed(row.zone_id, row._mapping) for row in rows}

    def configure(self, zone: str, settings: Mapping[str, object], modes: ZoneModes) -> None:
        """Keep the settings on the zone's row (which the catalogue created)."""
        values: dict[str, Any] = {
            "modes": {key: value for key, value in settings.items() if key not in _PERIOD},
            "starts_at": modes.period.starts,
            "ends_at": modes.period.ends,
        }
        z = t.zones.c
        found = self._connection.execute(
            update(t.zones)
            .where(of_tenant(z, self._tenant), z.zone_id == zone)
            .values(**values)
            .returning(z.zone_id)
        ).first()
        if found is None:
            self._connection.execute(
                insert(t.zones).values(
                    tenant_id=self._tenant, zone_id=zone, completion_delay_seconds=0, **values
                )
            )
        self._zones[zone] = modes

    # ------------------------------------------------------------------ counters

    def counter(self, zone: str, mode: str, key: str) -> int:
        found = self._counters.get((zone, mode, key))
        if found is None and key.startswith(_DAY_KEYS):  # a day in parts reads them all
            self._day_counters(zone, mode)
            found = self._counters.get((zone, mode, key))
        if found is None:
            value = self._connection.execute(
                _COUNTER, {"tenant": self._tenant, "zone": zone, "mode": mode, "key": key}
            ).scalar_one_or_none()
            found = self._counters[(zone, mode, key)] = int(value or 0)
        return found

    def _day_counters(self, zone: str, mode: str) -> None:
        for key in _DAY_COUNTERS:
            self._counters.setdefault((zone, mode, key), 0)
        k = t.mode_counters.c
        for row in self._connection.execute(
            select(k.key, k.value).where(
                of_tenant(k, self._tenant),
                k.zone == zone,
                k.mode == mode,
                k.key.in_(_DAY_COUNTERS),
            )
        ):
            self._counters[(zone, mode, row.key)] = int(row.value)

    def set_counter(self, zone: str, mode: str, key: str, value: int) -> None:
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(t.mode_counters).values(
            tenant_id=self._tenant, zone=zone, mode=mode, key=key, value=value
        )
        self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "zone", "mode", "key"], set_={"value": value}
            )
        )
        self._counters[(zone, mode, key)] = value

    # ------------------------------------------------------------------ claims

    def add(
        self,
        zone: str,
        mode: str,
        member: str,
        amount: int,
        cause: str,
        daily: int = 0,
        payable: int = 0,
        ref: str = "",
        days: int = 0,
    ) -> Claim:
        seq = self.counter(zone, mode, "seq") + 1
        self.set_counter(zone, mode, "seq", seq)
        claim = Claim(seq, member, amount, amount, cause, daily, payable, ref, days=days)
        self._connection.execute(
            insert(t.mode_claims).values(
                tenant_id=self._tenant,
                zone=zone,
                mode=mode,
                seq=seq,
                member_id=member,
                amount=amount,
                owed=amount,
                daily=daily,
                payable=payable,
                cause=cause,
                ref=ref,
                days=days,
            )
        )
        self._keep(zone, mode, claim)
        return claim

    def save(self, zone: str, mode: str, claim: Claim) -> None:
        self._dirty[(zone, mode, claim.seq)] = claim
        self._keep(zone, mode, claim)

    def _keep(self, zone: str, mode: str, claim: Claim) -> None:
        self._seen[(zone, mode, claim.seq)] = claim
        members = self._open.get((zone, mode))
        if members is None:
            return
        seqs = members.get(claim.member)
        if seqs is not None:
            seqs.add(claim.seq)
        elif (zone, mode) in self._whole:
            members[claim.member] = {claim.seq}

    def _rows(self, statement: Any, **params: Any) -> list[Claim]:
        self.write()  # reads see what this command changed
        found = [
            Claim(
                int(row.seq),
                row.member_id,
                int(row.amount),
                int(row.owed),
                row.cause,
                int(row.daily),
                int(row.payable),
                row.ref,
                bool(row.void),
                int(row.days),
            )
            for row in self._connection.execute(statement, {"tenant": self._tenant, **params})
        ]
        zone, mode = params["zone"], params["mode"]
        for claim in found:  # written just now: the table holds what memory holds
            self._seen[(zone, mode, claim.seq)] = claim
        return found

    def claim(self, zone: str, mode: str, seq: int) -> Claim | None:
        kept = self._seen.get((zone, mode, seq))
        if kept is not None:
            return kept
        found = self._rows(_BY_SEQ, zone=zone, mode=mode, seq=seq)
        return found[0] if found else None

    def claims(self, zone: str, mode: str, member: str) -> list[Claim]:
        members = self._open.setdefault((zone, mode), {})
        seqs = members.get(member)
        if seqs is None:
            if (zone, mode) in self._whole:
                seqs = members[member] = set()
            else:
                rows = self._rows(_BY_MEMBER, zone=zone, mode=mode, member=member)
                seqs = members[member] = {claim.seq for claim in rows}
        seen = self._seen
        mine = [seen[(zone, mode, seq)] for seq in sorted(seqs)]
        return [claim for claim in mine if claim.left > 0]

    def history(self, zone: str, mode: str, member: str) -> list[Claim]:
        found = self._rows(_HISTORY, zone=zone, mode=mode, member=member)
        return [self._seen[(zone, mode, claim.seq)] for claim in found]

    def paid_before(self, zone: str, mode: str, seq: int | None) -> Claim | None:
        before = seq if seq is not None else 2**62
        found = self._rows(_PAID_BEFORE, zone=zone, mode=mode, before=before)
        return self._seen[(zone, mode, found[0].seq)] if found else None

    def add_payout(self, zone: str, mode: str, seq: int, member: str, fen: int) -> None:
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(t.mode_payouts).values(
            tenant_id=self._tenant, zone=zone, mode=mode, seq=seq, member_id=member, fen=fen
        )
        self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "zone", "mode", "seq", "member_id"],
                set_={"fen": t.mode_payouts.c.fen + statement.excluded.fen},
            )
        )

    def payouts(self, zone: str, mode: str, seq: int) -> dict[str, int]:
        rows = self._connection.execute(
            _PAYOUTS, {"tenant": self._tenant, "zone": zone, "mode": mode, "seq": seq}
        )
        return {row.member_id: int(row.fen) for row in rows}

    def clear_payouts(self, zone: str, mode: str, seq: int) -> None:
        self._connection.execute(
            delete(t.mode_payouts).where(
                of_tenant(_p, self._tenant), _p.zone == zone, _p.mode == mode, _p.seq == seq
            )
        )

    def prefetch(self, zone: str, mode: str, members: Iterable[str]) -> None:
        """Read the open claims of these members, a thousand members a statement."""
        known = self._open.setdefault((zone, mode), {})
        wanted = sorted(set(members) - known.keys())
        if (zone, mode) in self._whole or not wanted:
            return
        for first in range(0, len(wanted), _PAGE):
            batch = wanted[first : first + _PAGE]
            found: dict[str, set[int]] = {member: set() for member in batch}
            for claim in self._rows(_OF_MEMBERS, zone=zone, mode=mode, members=batch):
                found[claim.member].add(claim.seq)
            for member, seqs in found.items():
                known.setdefault(member, seqs)

    def tally(self, zone: str, mode: str, member: str, seq: int, fen: int, units: int) -> None:
        key = (zone, mode, member)
        found = self._tally.get(key)
        if found is None:
            self._tally[key] = Tally(seq, member, fen, units)
        else:
            self._tally[key] = found._replace(fen=found.fen + fen, units=found.units + units)

    def tallied(self, zone: str, mode: str, after: int, size: int | None) -> list[Tally]:
        self.write()
        statement = _TALLIED if size is None else _TALLIED.limit(size)
        rows = self._connection.execute(
            statement, {"tenant": self._tenant, "zone": zone, "mode": mode, "after": after}
        )
        self._tallied_after[(zone, mode)] = after
        return [Tally(int(row.seq), row.member_id, int(row.fen), int(row.units)) for row in rows]

    def clear_tally(self, zone: str, mode: str, upto: int) -> None:
        """The rows up to `upto`; when this command read the tally after `after`, those
        before it were cleared already (a day clears as it goes), and the range bounded
        on both sides stays a few rows of the `seq` index, however far the day is."""
        self.write()
        where = [of_tenant(_d, self._tenant), _d.zone == zone, _d.mode == mode, _d.seq <= upto]
        after = self._tallied_after.pop((zone, mode), None)
        if after is not None:
            where.append(_d.seq > after)
        self._connection.execute(delete(t.mode_day_tally).where(*where))

    def queue(
        self, zone: str, mode: str, after: int = 0, first: int | None = None
    ) -> Iterator[Claim]:
        """Page by page; a claim is yielded as it stands now (the run may have paid it
        since its page was read)."""
        last, size = after, _FIRST_PAGE if first is None else first + 1
        while True:
            page = self._rows(_PAGE_AFTER, zone=zone, mode=mode, last=last, size=size)
            for claim in page:
                now = self._seen[(zone, mode, claim.seq)]
                if now.left > 0:
                    yield now
            if len(page) < size:
                break
            last, size = page[-1].seq, _PAGE
        if after:
            return  # a part of the queue: its members' other claims were not all read
        # the pass read every claim open before it; the rest were added or saved since
        members = self._open.setdefault((zone, mode), {})
        for (in_zone, in_mode, seq), claim in self._seen.items():
            if in_zone == zone and in_mode == mode:
                members.setdefault(claim.member, set()).add(seq)
        self._whole.add((zone, mode))

    def writing(self) -> bool:
        """Whether `write` has something to store."""
        return bool(self._dirty or self._tally)

    def write(self) -> None:
        """Store the claims' new amounts owed, in one batch, and the day's tally."""
        self._write_tally()
        if not self._dirty:
            return
        if bulk(self._connection, len(self._dirty)):  # a daily run's: one statement
            bulk_update(
                self._connection,
                t.mode_claims,
                {"tenant_id": self._tenant},
                (("zone", "text"), ("mode", "text"), ("seq", "bigint")),
                (("owed", "bigint"), ("void", "boolean")),
                [
                    (zone, mode, seq, claim.left, claim.void)
                    for (zone, mode, seq), claim in sorted(self._dirty.items())
                ],
            )
            self._dirty.clear()
            return
        self._connection.execute(
            _SAVE,
            [
                {
                    "t_tenant": self._tenant,
                    "t_zone": zone,
                    "t_mode": mode,
                    "t_seq": seq,
                    "t_owed": claim.left,
                    "t_void": claim.void,
                }
                for (zone, mode, seq), claim in sorted(self._dirty.items())
            ],
        )
        self._dirty.clear()

    def _write_tally(self) -> None:
        rows = [
            {
                "tenant_id": self._tenant,
                "zone": zone,
                "mode": mode,
                "member_id": member,
                "seq": one.seq,
                "fen": one.fen,
                "units": one.units,
            }
            for (zone, mode, member), one in sorted(self._tally.items())
        ]
        # a later part's: added to the member's row, whose first claim (`seq`) stays
        write_together(self._connection, [Rows(t.mode_day_tally, rows, ("fen", "units"))])
        self._tally.clear()


def tenants_with_days_due(
    connection: Connection, now: datetime, among: Collection[str] | None = None
) -> list[str]:
    """The tenants (of `among`, or all) with a zone whose daily work `run_days` would do
    at `now`: a zone with a daily mode (`DAILY`) that never ran a day, whose last day
    is before today in its tenant's time zone, or whose day in parts is under way. A zone
    runs today's day at the first tick of the day, so for the rest of it the tick leaves
    the tenant alone (it visited every tenant with a zone, every minute). Two statements:
    the time zones the directory names (today in each, here), then the directory probing
    each tenant's zones and their counters."""
    d = t.tenants.c
    named = func.coalesce(d.settings["timezone"].as_string(), DEFAULT_TIMEZONE)
    found = select(named).distinct()
    if among is not None:
        found = found.where(d.tenant_id.in_(sorted(among)))
    today: dict[str, int] = {}
    for name in connection.execute(found).scalars():
        try:
            today[name] = day_of(now, time_zone(name)).toordinal()
        except DomainError:  # never saved (settings check the zone): its days run as before
            continue
    # a time zone this process cannot read: due, as `run_days` would say for itself
    todays = case(today, value=named, else_=date.max.toordinal() + 1) if today else None
    z = t.zones.c

    def due(tenant: ColumnElement[str]) -> Select[Any]:
        def counter(mode: str, key: str) -> ScalarSelect[Any]:
            c = t.mode_counters.alias(f"{mode}_counter").c
            where = (c.tenant_id == z.tenant_id, c.zone == z.zone_id, c.mode == mode, c.key == key)
            return select(c.value).where(*where).scalar_subquery()

        last = counter(DAY, LAST)
        daily = or_(*(z.modes[mode].as_string().is_not(None) for mode in DAILY))
        behind = or_(last.is_(None), last < todays) if todays is not None else true()
        under_way = func.coalesce(counter(green.MODE, green.PHASE), 0) != 0
        return select(z.zone_id).where(z.tenant_id == tenant, daily, or_(behind, under_way))

    return tenants_having(connection, due, among=among)
