"""A replay without a configuration file starts from what an empty configuration says,
without building the configuration's models (engine/replay.py): the two must agree."""

from __future__ import annotations

import json

from zengzhi.core.events import ConfigureDistribution
from zengzhi.engine.config import TenantConfig
from zengzhi.engine.replay import MemoryKept, Replay, replay
from zengzhi.engine.snapshot import snapshot

LINES = [
    {"type": "order", "id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"},
    {"type": "order", "id": "o2", "member": "m2", "amount": "50.00", "contribution": "50.00"},
    {"type": "sell", "id": "s1", "member": "m1", "points": "10.5"},
    {"type": "subsidy", "id": "x1", "amount": "5.00"},
    {"type": "configure", "id": "c1", "exit_multiple": "3"},
    {"type": "reverse", "id": "r1", "order": "o2"},
    {"type": "sell", "id": "s2", "member": "m1", "points": "all"},
]


def test_no_configuration_is_the_empty_configuration() -> None:
    given = TenantConfig()
    without, with_empty = Replay(None), Replay(given)
    pool, configured = without.state.pools.get("main"), with_empty.state.pools.get("main")
    assert pool is not None and configured is not None
    assert pool.params == configured.params
    assert without.state.pools.get("other") is None is with_empty.state.pools.get("other")
    assert without.engine.zone == given.time_zone() == with_empty.engine.zone
    assert without.state.distribution.params is with_empty.state.distribution.params is None


def test_a_log_replays_the_same_with_no_configuration_and_an_empty_one() -> None:
    lines = [json.dumps(one) for one in LINES]
    assert snapshot(replay(lines).state) == snapshot(replay(lines, TenantConfig()).state)


def test_a_distribution_change_reads_its_settings_in_a_replay_without_configuration() -> None:
    run = Replay(None)
    run.engine.apply(ConfigureDistribution("d1", {"commission": {"rates": ["0.1"]}}))
    assert run.state.distribution.params is not None


def test_a_replay_keeps_its_lines_in_the_store_it_is_given_even_an_empty_one() -> None:
    class Left(MemoryKept):
        """A store that outlives the replay, to be read after it."""

        def close(self) -> None:
            pass

    store = Left()  # empty, so falsy: a dict
    lines = [json.dumps(one) for one in LINES]
    replay(lines, kept=store)
    assert set(store) == {one["id"] for one in LINES}
    assert store.get("s1") == lines[2]
