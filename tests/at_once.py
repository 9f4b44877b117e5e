"""The same call from several threads at the same moment (a barrier), as two servers'
tickers or two machines catching up: what each returned, in no set order. A failure in
a thread is raised in the test's own, after all have finished."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def at_once(call: Callable[[], T], threads: int = 2) -> list[T]:
    barrier = threading.Barrier(threads)
    returned: list[T] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            returned.append(call())
        except BaseException as failure:  # raised from the test's thread below
            failures.append(failure)

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    if failures:
        raise failures[0]
    return returned
