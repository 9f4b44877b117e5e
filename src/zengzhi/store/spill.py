"""The replay's spill store: the lines a replay applied, kept in a temporary SQLite file
instead of Python objects, so that replaying millions of events needs memory for the
members, not for the events (injected into `engine.replay.Replay` as its `Kept`)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path


class SpillStore:
    """A keyed table of text in a temporary SQLite file, written in batches.

    A small in-memory Bloom filter answers most "never seen" questions without asking
    SQLite: its bits are fixed in number, so memory does not grow with keys.

    The file is made at the first full batch: a short replay (one line, a test) keeps
    everything in memory and never makes (and removes) a temporary directory.
    """

    _BATCH = 20_000
    _BITS = 1 << 26  # 8 MiB: about 1 false "maybe" in 300 lookups at 2 million keys

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None
        self._pending: dict[str, str] = {}
        self._bloom = bytearray(self._BITS // 8)

    def _file(self) -> sqlite3.Connection:
        if self._db is None:
            self._dir = tempfile.TemporaryDirectory(prefix="zengzhi-replay-")
            self._db = sqlite3.connect(Path(self._dir.name) / "replay.db")
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute("CREATE TABLE kept (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
        return self._db

    def get(self, key: str) -> str | None:
        bloom = self._bloom
        first = hash(key) % self._BITS  # two bits a key, the second derived from the first
        if not bloom[first >> 3] & (1 << (first & 7)):
            return None
        second = (first * 0x9E3779B1 + len(key)) % self._BITS
        if not bloom[second >> 3] & (1 << (second & 7)):
            return None
        pending = self._pending.get(key)
        if pending is not None or self._db is None:
            return pending
        found = self._db.execute("SELECT value FROM kept WHERE key = ?", (key,)).fetchone()
        return None if found is None else str(found[0])

    def put(self, key: str, value: str) -> None:
        bloom = self._bloom
        first = hash(key) % self._BITS
        second = (first * 0x9E3779B1 + len(key)) % self._BITS
        bloom[first >> 3] |= 1 << (first & 7)
        bloom[second >> 3] |= 1 << (second & 7)
        pending = self._pending
        pending[key] = value
        if len(pending) >= self._BATCH:
            db = self._file()
            db.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?)", pending.items())
            db.commit()
            pending.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        if self._dir is not None:
            self._dir.cleanup()
