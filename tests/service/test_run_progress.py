"""A background run's progress: what the command writes, what the run's page reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zengzhi.service.background import (
    PROGRESS_ENV,
    PROGRESS_FILE,
    ProgressFile,
    read_progress,
)

STARTED = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_the_time_left_follows_the_pace_so_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / PROGRESS_FILE))
    writer = ProgressFile(365, "days", every_ns=0)
    writer.update(73)
    progress = read_progress(tmp_path, STARTED, STARTED + timedelta(seconds=60))
    assert progress is not None
    assert (progress.done, progress.total, progress.unit) == (73, 365, "days")
    assert progress.percent == 73 * 100 // 365
    # 73 days took 60 s: the other 292 take 60 × 292 / 73 s
    assert progress.seconds_left == 60 * (365 - 73) // 73
    writer.update(365)
    done = read_progress(tmp_path, STARTED, STARTED + timedelta(seconds=90))
    assert done is not None and done.seconds_left == 0 and done.percent == 100


def test_updates_are_written_at_most_once_an_interval_but_the_last_always(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / PROGRESS_FILE))
    # an hour, not the second a run uses: a loaded machine may take a second between calls
    writer = ProgressFile(1000, "events", every_ns=3_600 * 10**9)
    writer.update(1)
    writer.update(2)  # within the interval: not written
    first = read_progress(tmp_path, STARTED, STARTED)
    assert first is not None and first.done == 1
    writer.update(1000)
    last = read_progress(tmp_path, STARTED, STARTED)
    assert last is not None and last.done == 1000


def test_no_file_no_progress_and_a_terminal_run_writes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert read_progress(tmp_path, STARTED, STARTED) is None
    before = read_progress(tmp_path, STARTED, STARTED)
    assert before is None
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    ProgressFile(10, "days").update(5)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / PROGRESS_FILE).write_text("{not json")
    assert read_progress(tmp_path, STARTED, STARTED) is None
    (tmp_path / PROGRESS_FILE).write_text('{"done": 0, "total": 10, "unit": "days"}')
    starting = read_progress(tmp_path, STARTED, STARTED + timedelta(seconds=5))
    assert starting is not None and starting.seconds_left is None
