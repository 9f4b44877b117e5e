"""The docs' own snippets, run as an integrator copies them: docs/replay.md's event lines
and configuration are a log and a file `zengzhi replay` takes as they stand, and its
error examples are what the replay says; README's `zengzhi pool` example runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.test_replay import runner
from zengzhi.cli import app

ROOT = Path(__file__).parents[2]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(doc: str, language: str) -> list[str]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def test_replay_md_event_lines_are_a_log_replay_runs(tmp_path: Path) -> None:
    (events,) = blocks("replay.md", "json")
    (config,) = blocks("replay.md", "toml")
    for number, line in enumerate(events.splitlines(), 1):
        assert isinstance(json.loads(line), dict), f"docs/replay.md event line {number}"
    log = tmp_path / "events.jsonl"
    log.write_text(events, encoding="utf-8")
    settings = tmp_path / "config.toml"
    settings.write_text(config, encoding="utf-8")
    result = runner.invoke(app, ["replay", str(log), "--config", str(settings), "--json"])
    assert result.exit_code == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["events"] == {"applied": len(events.splitlines()), "duplicates": 0}


def test_replay_md_error_examples_are_what_replay_says(tmp_path: Path) -> None:
    (examples,) = [b for b in blocks("replay.md", "") if b.startswith("error: line")]
    # "error: line 3: type: unknown …" by its field: "type: unknown …"
    said = {line.split(": ", 3)[2]: line.split(": ", 2)[2] for line in examples.splitlines()}
    bought = {"type": "order", "id": "o1", "member": "m1", "amount": "1000.00"}
    cases = {
        "type": [{**bought, "contribution": "300.00"}, {"type": "refund", "id": "r1"}],
        "amount": [{**bought, "amount": "1.001", "contribution": "0"}],
    }
    for field, lines in cases.items():
        log = tmp_path / f"{field}.jsonl"
        log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        result = runner.invoke(app, ["replay", str(log)])
        assert result.exit_code == 1
        doc = said[field].removesuffix("…)")  # the doc may cut a long list short
        told = result.stderr.strip().split(": ", 2)[2]
        assert told.startswith(doc), (said[field], result.stderr)


def test_readme_pool_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "zengzhi pool examples/pool-events.jsonl --config examples/pool.toml" in readme
    events, config = ROOT / "examples/pool-events.jsonl", ROOT / "examples/pool.toml"
    result = runner.invoke(app, ["pool", str(events), "--config", str(config)])
    assert result.exit_code == 0, result.stderr
    assert "nearest to exit" in result.stdout
