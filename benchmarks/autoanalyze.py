"""ANALYZE a PostgreSQL database after a benchmark has loaded it.

A live PostgreSQL has autovacuum on, which gathers the planner's statistics about a
minute after tables grow; this project's machines run PostgreSQL with autovacuum off.
Without statistics the planner takes a freshly filled table for a few rows and keeps the
generic plans it made then (psycopg prepares statements it sees often), so lookups by
primary key turn into scans of the tenant: a benchmark would measure that, not the
service. The benchmarks that write to PostgreSQL call `analyze` once their data is
loaded, before they time anything. (Running ANALYZE in a loop beside the timed work was
tried, and slowed the work it ran beside several times over.)
"""

from __future__ import annotations

from sqlalchemy import create_engine, text


def analyze(url: str) -> None:
    """ANALYZE the whole database at `url`, if it is PostgreSQL."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
