"""`zengzhi simulate --runs/--processes` are held to the scenario's own bounds (attack-sim):
--runs 0 was a traceback about max_workers, --runs 100000 started a hundred thousand
runs where a scenario may ask for 1,000, --processes -2 and 1000 were taken."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zengzhi.cli import app

runner = CliRunner()


def test_runs_and_processes_out_of_bounds_are_named_and_nothing_runs(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[simulation]\ndays = 2\n[flow]\norders_per_day = 1\n")
    out = tmp_path / "out"
    for option, value in (
        ("--runs", "0"),
        ("--runs", "-1"),
        ("--runs", "100000"),
        ("--processes", "0"),
        ("--processes", "-2"),
        ("--processes", "1000"),
    ):
        result = runner.invoke(app, ["simulate", str(scenario), "--out", str(out), option, value])
        assert result.exit_code == 1, (option, value, result.output)
        assert result.stderr.startswith(f"error: {option}: "), result.stderr
        assert "\n" not in result.stderr.rstrip("\n")
        assert not out.exists()
    ok = runner.invoke(
        app, ["simulate", str(scenario), "--out", str(out), "--runs", "2", "--processes", "1"]
    )
    assert ok.exit_code == 0, ok.output
    assert (out / "report.html").exists()


def test_the_progress_goes_to_standard_error_and_the_report_line_alone_to_stdout(
    tmp_path: Path,
) -> None:
    """A script reading stdout gets the report's line, not the progress bar's (which
    also stood there before a failed run's error)."""
    scenario = tmp_path / "s.toml"
    scenario.write_text("[simulation]\ndays = 3\n[flow]\norders_per_day = 2\n")
    out = tmp_path / "out"
    done = runner.invoke(app, ["simulate", str(scenario), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().splitlines() == [
        f"report: {out / 'report.html'}  (tables and charts beside it)"
    ], done.stdout
