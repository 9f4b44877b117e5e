"""The companion modes' state in SQL: zone settings, counters and claims.

Loading a zone locks its row (`FOR UPDATE`) until the command commits: the commands that
touch a zone's modes run one at a time, in the order they commit, which is the order
the event log replays them in. Counters are written as they change; claim changes wait
in memory (a daily run touches every open claim) and reach the table in batches, before
the next read and at commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from zengzhi.engine.zones import parse_zone
from zengzhi.rules.modes.common import Claim
from zengzhi.rules.modes.zone import ZoneModes
from zengzhi.store import tables as t

_PAGE = 1000
_PERIOD = ("starts", "ends")  # the zone's own period: the zones table keeps it in columns

# Statements built once: a daily run reads claims and counters thousands of times.
_c = t.mode_claims.c
_CLAIMS = select(t.mode_claims).where(
    _c.tenant_id == bindparam("tenant"), _c.zone == bindparam("zone"), _c.mode == bindparam("mode")
)
_BY_MEMBER = _CLAIMS.where(_c.member_id == bindparam("member"), _c.owed > 0).order_by(_c.seq)
_BY_SEQ = _CLAIMS.where(_c.seq == bindparam("seq"))
_PAGE_AFTER = _CLAIMS.where(_c.seq > bindparam("last"), _c.owed > 0).order_by(_c.seq).limit(_PAGE)
_SAVE = (
    update(t.mode_claims)
    .where(
        _c.tenant_id == bindparam("t_tenant"),
        _c.zone == bindparam("t_zone"),
        _c.mode == bindparam("t_mode"),
        _c.seq == bindparam("t_seq"),
    )
    .values(owed=bindparam("t_owed"))
)
_k = t.mode_counters.c
_COUNTER = select(_k.value).where(
    _k.tenant_id == bindparam("tenant"),
    _k.zone == bindparam("zone"),
    _k.mode == bindparam("mode"),
    _k.key == bindparam("key"),
)


def zone_settings(row: Any) -> dict[str, Any]:
    """A zones row as the engine's settings: its modes and its period."""
    settings = dict(row.modes or {})
    for name, column in zip(_PERIOD, ("starts_at", "ends_at"), strict=True):
        moment = getattr(row, column)
        if moment is not None:
            settings[name] = moment.isoformat()
    return settings


class SqlModes:
    def __init__(self, connection: Connection, tenant: str) -> None:
        self._connection = connection
        self._tenant = tenant
        self._zones: dict[str, ZoneModes | None] = {}
        self._counters: dict[tuple[str, str, str], int] = {}
        self._dirty: dict[tuple[str, str, int], Claim] = {}

    # ------------------------------------------------------------------ zones

    def zone(self, zone: str) -> ZoneModes | None:
        if zone not in self._zones:
            z = t.zones.c
            row = self._connection.execute(
                select(t.zones)
                .where(z.tenant_id == self._tenant, z.zone_id == zone)
                .with_for_update()
            ).first()
            self._zones[zone] = None if row is None else parse_zone(zone_settings(row))
        return self._zones[zone]

    def zones(self) -> dict[str, ZoneModes]:
        z = t.zones.c
        rows = self._connection.execute(
            select(t.zones).where(z.tenant_id == self._tenant).order_by(z.zone_id)
        )
        return {row.zone_id: parse_zone(zone_settings(row)) for row in rows}

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
            .where(z.tenant_id == self._tenant, z.zone_id == zone)
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
        if found is None:
            value = self._connection.execute(
                _COUNTER, {"tenant": self._tenant, "zone": zone, "mode": mode, "key": key}
            ).scalar_one_or_none()
            found = self._counters[(zone, mode, key)] = int(value or 0)
        return found

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
    ) -> Claim:
        seq = self.counter(zone, mode, "seq") + 1
        self.set_counter(zone, mode, "seq", seq)
        claim = Claim(seq, member, amount, amount, cause, daily, payable, ref)
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
            )
        )
        return claim

    def save(self, zone: str, mode: str, claim: Claim) -> None:
        self._dirty[(zone, mode, claim.seq)] = claim

    def _rows(self, statement: Any, **params: Any) -> list[Claim]:
        self.write()  # reads see what this command changed
        return [
            Claim(
                int(row.seq),
                row.member_id,
                int(row.amount),
                int(row.owed),
                row.cause,
                int(row.daily),
                int(row.payable),
                row.ref,
            )
            for row in self._connection.execute(statement, {"tenant": self._tenant, **params})
        ]

    def claim(self, zone: str, mode: str, seq: int) -> Claim | None:
        found = self._rows(_BY_SEQ, zone=zone, mode=mode, seq=seq)
        return found[0] if found else None

    def claims(self, zone: str, mode: str, member: str) -> list[Claim]:
        return self._rows(_BY_MEMBER, zone=zone, mode=mode, member=member)

    def queue(self, zone: str, mode: str) -> Iterator[Claim]:
        """Page by page; a claim is yielded as it stands now (the run may have paid it
        since its page was read)."""
        last = 0
        while True:
            page = self._rows(_PAGE_AFTER, zone=zone, mode=mode, last=last)
            for claim in page:
                now = self._dirty.get((zone, mode, claim.seq), claim)
                if now.left > 0:
                    yield now
            if len(page) < _PAGE:
                return
            last = page[-1].seq

    def write(self) -> None:
        """Store the claims' new amounts owed, in one batch."""
        if not self._dirty:
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
                }
                for (zone, mode, seq), claim in sorted(self._dirty.items())
            ],
        )
        self._dirty.clear()
