"""Group commit: the commands of one tenant that arrive while another is being written go
together, in arrival order, in one transaction.

A pool's orders are serial by nature (each mints at the price the one before left), and a
tenant's commits are numbered one after another through its counters row, so commands of
one tenant never ran side by side anyway: each waited for the row locks of the one before,
then paid a whole transaction of its own (its connection, its settings read, the pool's
and the counters' rows locked, read and written again, its commit). Here the first command
to arrive for a tenant *leads*: it takes every command waiting behind it (up to
`MAX_GROUP`), runs them one after the other in one unit of work (each sees what the ones
before it did, exactly as if they had run alone in that order), and commits once. Only
then is anyone answered: an answered command is committed, and a process killed mid-group
commits nothing of the group, so nothing answered is lost and nothing is applied twice
(the integrator sends the same ids again).

The leader hands the lead to the first command that arrived while it was writing, so no
caller waits for more than the group before its own and its own.

A command that fails inside a group (a refusal, a bug) must not take the others down, nor
leave its half-done work in the unit of work they share: the group is rolled back, the
commands before the failed one run again as a group, the failed one runs alone (as
`command` would run it: its answer is its own refusal), and those after it go on as the
next group. Runs are already written to be run again whole (the database's retries do
so), so running one twice before a commit changes nothing.

Processes do not share groups: each server groups its own commands and the database's
row locks order the groups of different processes, as they ordered single commands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Generic, TypeVar

from zengzhi.store.database import Database, is_retryable
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted

T = TypeVar("T")
Run = Callable[[UnitOfWork], Any]

MAX_GROUP = 1000  # commands a transaction; a batch of 500 orders created and paid fills one
# Groups written at once in one process, whatever their tenants: one interpreter runs
# them, and forty lone commands of forty tenants written side by side spent more of it
# handing it over than writing (100 tenants, 50 clients: 42–46 single orders a second
# with no limit, 43 with 8, 52–54 with 4; docs/benchmarks.md). One tenant's orders are
# one group at a time anyway. A leader waits for a slot before taking its group, so what
# arrives meanwhile joins it.
WRITERS = 4


@dataclass(eq=False)
class _Job(Generic[T]):
    run: Callable[[UnitOfWork], T]
    wants: Wanted | None = None  # the rows it will look up, read with the group's
    done: threading.Event = field(default_factory=threading.Event)
    leads: bool = False  # woken to lead the next group, not because it was answered
    result: Any = None
    error: BaseException | None = None

    def answer(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error = result, error
        self.done.set()


class _Failed(Exception):
    """A run failed inside a group: which one, and how."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(index, error)
        self.index, self.error = index, error


class Sequencer:
    """One line of commands per tenant, written a group at a time (module doc)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writers = threading.BoundedSemaphore(WRITERS)
        self._waiting: dict[str, list[_Job[Any]]] = {}
        self._leading: set[str] = set()
        self.groups = 0  # groups written, and the largest: what the benchmarks report
        self.largest = 0

    def run(
        self,
        database: Database,
        tenant: str,
        clock: Callable[[], datetime],
        runs: Sequence[Callable[[UnitOfWork], Any]],
        wants: Sequence[Wanted | None] | None = None,
    ) -> list[tuple[Any, BaseException | None]]:
        """Run each of `runs` in turn, grouped with whatever else the tenant's line holds;
        once committed, each run's (result, None) or (None, the error it raised).
        `wants`: for each run, the orders and members it will look up, if known."""
        jobs: list[_Job[Any]] = [
            _Job(one, wanted) for one, wanted in zip(runs, wants or [None] * len(runs), strict=True)
        ]
        with self._lock:
            self._waiting.setdefault(tenant, []).extend(jobs)
            lead = tenant not in self._leading
            if lead:
                self._leading.add(tenant)
        for job in jobs:
            while True:
                if lead:
                    lead = False
                    self._lead(database, tenant, clock)
                job.done.wait()
                if not job.leads:
                    break
                job.leads, lead = False, True  # handed the lead: take the next group
                job.done.clear()
        return [(job.result, job.error) for job in jobs]

    def _lead(self, database: Database, tenant: str, clock: Callable[[], datetime]) -> None:
        """Write one group, then hand the lead to the first command still waiting."""
        self._writers.acquire()  # holding no row lock yet: no wait crosses another's
        with self._lock:
            waiting = self._waiting[tenant]
            group, self._waiting[tenant] = waiting[:MAX_GROUP], waiting[MAX_GROUP:]
            self.groups += 1
            self.largest = max(self.largest, len(group))
        try:
            _write(database, tenant, clock, group)
        finally:
            self._writers.release()
            for job in group:  # only if _write itself was interrupted
                if not job.done.is_set():
                    job.answer(error=RuntimeError("the group was interrupted before its commit"))
            with self._lock:
                rest = self._waiting[tenant]
                if rest:
                    rest[0].leads = True
                    rest[0].done.set()
                else:
                    del self._waiting[tenant]
                    self._leading.discard(tenant)


def _write(
    database: Database, tenant: str, clock: Callable[[], datetime], group: list[_Job[Any]]
) -> None:
    """Commit the group in one transaction and answer each; on a failed run, as the module
    doc says. Every job of `group` is answered when this returns."""
    while group:
        try:
            results = database.retrying(partial(_attempt, database, tenant, clock, group))
        except _Failed as failed:
            if failed.index > 0:
                _write(database, tenant, clock, group[: failed.index])
            _alone(database, tenant, clock, group[failed.index])
            group = group[failed.index + 1 :]
            continue
        except Exception as error:  # the database refused the commit itself
            if len(group) == 1:
                group[0].answer(error=error)
                return
            for job in group:
                _alone(database, tenant, clock, job)
            return
        for job, result in zip(group, results, strict=True):
            job.answer(result)
        return


def _attempt(
    database: Database, tenant: str, clock: Callable[[], datetime], group: list[_Job[Any]]
) -> list[Any]:
    with UnitOfWork(database, tenant, clock(), grouped=True) as uow:
        for job in group:
            if job.wants is not None:
                uow.wanted.add(job.wants)
        results = []
        for index, job in enumerate(group):
            try:
                results.append(job.run(uow))
            except Exception as error:
                if len(group) == 1 or is_retryable(error):
                    raise  # the database's retries run the group again, whole
                raise _Failed(index, error) from error
        uow.commit()
        return results


def _alone(database: Database, tenant: str, clock: Callable[[], datetime], job: _Job[Any]) -> None:
    try:
        job.answer(database.retrying(partial(_attempt, database, tenant, clock, [job]))[0])
    except Exception as error:
        job.answer(error=error)
