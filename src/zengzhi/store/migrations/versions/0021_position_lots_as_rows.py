"""position_lots: a position's lots as rows of their own, not one JSON column

0020 kept a position's lots (the points it holds by what minted them, oldest first) in
one JSON column, read and rewritten whole with every change of the position: one
member's order cost 9.3 ms at first and 20.2 ms by their 3,000th in a position that
never closes (docs/benchmarks.md). As rows a mint inserts one, a sale reads and updates
the oldest still holding points (a partial index on `held > 0`), a reversal reads and
deletes its own order's (by `cause`): a change costs what it touches.

The JSON lots move into rows, `seq` 1, 2, … in their order; `positions.next_lot` (the
`seq` the next lot takes) replaces the column as the marker of a position that keeps
lots: NULL in a position opened before 0020, whose reversals keep the old rule (any
points held), and in a closed row. The downgrade puts the rows back into the column.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ID = sa.String(length=300)
BATCH = 1000  # rows an insert or an update

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

KEY = ("tenant_id", "pool_id", "member_id")


def _positions(*more: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table("positions", *(sa.column(name, ID) for name in KEY), *more)


_LOTS = sa.table(
    "position_lots",
    *(sa.column(name, ID) for name in KEY),
    sa.column("seq", sa.BigInteger),
    sa.column("cause", ID),
    sa.column("held", sa.BigInteger),
    sa.column("sold_value", sa.BigInteger),
    sa.column("sold_payout", sa.BigInteger),
)


def _in_batches(rows: list[dict[str, Any]], statement: Any) -> None:
    connection = op.get_bind()
    for start in range(0, len(rows), BATCH):
        connection.execute(statement, rows[start : start + BATCH])


def _where_position(table: sa.TableClause) -> Any:
    return sa.and_(*(table.c[name] == sa.bindparam(f"b_{name}") for name in KEY))


def upgrade() -> None:
    op.create_table(
        "position_lots",
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("pool_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("cause", ID, nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("sold_value", sa.BigInteger(), nullable=False),
        sa.Column("sold_payout", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "pool_id", "member_id", "seq", name=op.f("pk_position_lots")
        ),
    )
    op.create_index(
        "ix_position_lots_cause",
        "position_lots",
        ["tenant_id", "pool_id", "member_id", "cause"],
        unique=False,
    )
    op.create_index(
        "ix_position_lots_held",
        "position_lots",
        ["tenant_id", "pool_id", "member_id", "seq"],
        unique=False,
        postgresql_where=sa.text("held > 0"),
        sqlite_where=sa.text("held > 0"),
    )
    op.add_column("positions", sa.Column("next_lot", sa.BigInteger(), nullable=True))
    old = _positions(sa.column("lots", JSON))
    connection = op.get_bind()
    lots: list[dict[str, Any]] = []
    marked: list[dict[str, Any]] = []
    for row in connection.execute(
        sa.select(*(old.c[name] for name in KEY), old.c.lots).where(old.c.lots.is_not(None))
    ):
        if row.lots is None:  # JSON null: 0020 wrote None so (closed rows, and older)
            continue
        key = {name: row._mapping[name] for name in KEY}
        for seq, (cause, held, sold_value, sold_payout) in enumerate(row.lots, start=1):
            lots.append(
                {
                    **key,
                    "seq": seq,
                    "cause": str(cause),
                    "held": int(held),
                    "sold_value": int(sold_value),
                    "sold_payout": int(sold_payout),
                }
            )
        marked.append(
            {f"b_{name}": value for name, value in key.items()} | {"next": len(row.lots) + 1}
        )
    _in_batches(lots, sa.insert(_LOTS))
    new = _positions(sa.column("next_lot", sa.BigInteger))
    _in_batches(
        marked,
        sa.update(new).where(_where_position(new)).values(next_lot=sa.bindparam("next")),
    )
    op.drop_column("positions", "lots")


def downgrade() -> None:
    op.add_column("positions", sa.Column("lots", JSON, nullable=True))
    connection = op.get_bind()
    table = _positions(sa.column("next_lot", sa.BigInteger))
    kept: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in connection.execute(
        sa.select(*(table.c[name] for name in KEY)).where(table.c.next_lot.is_not(None))
    ):
        kept[tuple(row)] = []
    order = [_LOTS.c[name] for name in KEY] + [_LOTS.c.seq]
    for row in connection.execute(sa.select(_LOTS).order_by(*order)):
        key = (row.tenant_id, row.pool_id, row.member_id)
        if key in kept:
            kept[key].append([row.cause, row.held, row.sold_value, row.sold_payout])
    old = _positions(sa.column("lots", JSON))
    _in_batches(
        [
            {f"b_{name}": value for name, value in zip(KEY, key, strict=True)} | {"lots": lots}
            for key, lots in kept.items()
        ],
        sa.update(old).where(_where_position(old)).values(lots=sa.bindparam("lots")),
    )
    op.drop_column("positions", "next_lot")
    op.drop_index("ix_position_lots_held", table_name="position_lots")
    op.drop_index("ix_position_lots_cause", table_name="position_lots")
    op.drop_table("position_lots")
