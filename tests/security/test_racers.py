"""The racers of the security suite's races are OS processes of their own, which share
nothing with the test process: forked from a fork server that a test worker started
and that imported their modules (tests/processes.py), not from the test process."""

from __future__ import annotations

import os

from tests.conftest import SERVICE_HASHER
from tests.security import workers
from tests.security.races import race


def test_each_racer_is_a_process_of_its_own_that_inherits_nothing_of_the_test() -> None:
    found = race(3, workers.who_am_i, ())
    assert len({pid for pid, _, _ in found}) == 3
    assert os.getpid() not in {pid for pid, _, _ in found}
    assert os.getpid() not in {parent for _, parent, _ in found}  # not forks of pytest
    # the service's password hashing, not the cheap one tests/conftest.py sets in pytest
    assert {cost for _, _, cost in found} == {SERVICE_HASHER.time_cost}
