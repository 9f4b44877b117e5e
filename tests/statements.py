"""The statements one statement of `store/database.write_together` holds, for the tests
that read what the service sent (the tenant filter, the held writes, the lots)."""

from __future__ import annotations

import re

_HEAD = re.compile(r"(?:WITH |, )w(\d+) AS \(")


def parts(statement: str) -> list[tuple[int, str]]:
    """(n, statement) for each part of a `WITH w0 AS (…), w1 AS (…) last` statement, n
    the suffix of its parameters (`column_n`), the last part after the others; any other
    statement as (0, itself)."""
    if not statement.startswith("WITH w0 AS ("):
        return [(0, statement)]
    found, at = [], 0
    while head := _HEAD.match(statement, at):
        depth, end = 1, head.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(statement[end], 0)
            end += 1
        found.append((int(head.group(1)), statement[head.end() : end - 1]))
        at = end
    found.append((len(found), statement[at:].strip()))
    return found
