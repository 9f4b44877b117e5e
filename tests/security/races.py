"""Races between real OS processes, for the security suite.

`race(n, target, args)` starts `n` processes (forked from a server that has the
targets imported: tests/processes.py) that wait at one barrier and then
run `target(*args, number, barrier)` at the same moment (`number` is the process's,
`barrier.wait()` starts each further round together); it returns what each returned,
and fails the test if a process fails or does not finish within the time given. Each
process opens its own connections to the database. The targets live in
`tests/security/*workers.py`, which the fork server has imported: a process starts at once.
"""

from __future__ import annotations

import queue as queues
import time
import traceback
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from tests.processes import RACERS
from zengzhi.core.errors import DomainError
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database


def answer_of(send: Callable[[], object]) -> str:
    """What a racer got: "ok", or the refusal's code."""
    try:
        send()
    except DomainError as error:
        return str(error.code)
    return "ok"


def process_context(url: str, secret: str) -> Context:
    """A context of its own, in a child process, on the test's database."""
    settings = Settings(database_url=url, secret_key=SecretStr(secret), cookie_secure=False)
    return Context(Database(url), settings)


def _run(
    target: Callable[..., Any], args: tuple[Any, ...], barrier: Any, out: Any, number: int
) -> None:
    try:
        barrier.wait(timeout=60)
        out.put((number, target(*args, number, barrier)))
    except BaseException:  # a failure in a child is the test's failure, with its trace
        out.put((number, ("error", traceback.format_exc())))


def race(
    processes: int, target: Callable[..., Any], args: tuple[Any, ...], timeout: float = 60
) -> list[Any]:
    barrier = RACERS.Barrier(processes)
    out = RACERS.Queue()
    children = [
        RACERS.Process(target=_run, args=(target, args, barrier, out, number))
        for number in range(processes)
    ]
    for child in children:
        child.start()
    results: dict[int, Any] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(results) < processes:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{processes - len(results)} processes did not finish")
            try:
                number, result = out.get(timeout=left)
            except queues.Empty:
                continue
            if isinstance(result, tuple) and result and result[0] == "error":
                raise AssertionError(f"process {number} failed:\n{result[1]}")
            results[number] = result
    finally:
        for child in children:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
    return [results[number] for number in range(processes)]
