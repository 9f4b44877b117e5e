"""What of docs/deploy.md can be tested without Docker (which cannot run here): the image's
and compose's commands are the CLI's real ones, the API processes leave the jobs to the
worker, and the worker starts and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from zengzhi import app as api_app
from zengzhi.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def image_command() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    cmd = text[text.index("\nCMD ") + 5 :].replace("\\\n", " ")
    command: list[str] = json.loads(cmd.strip())
    return command


def test_the_image_serves_the_app_factory() -> None:
    command = image_command()
    assert command[:3] == ["uvicorn", "zengzhi.app:from_environment", "--factory"]
    assert callable(api_app.from_environment)
    assert "--proxy-headers" in command  # TLS ends at the proxy (docs/deploy.md)


def test_compose_runs_the_cli_s_own_commands() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "api", "worker"}
    for name in ("migrate", "worker"):
        command = services[name]["command"]
        assert command[0] == "zengzhi"
        result = runner.invoke(app, [*command[1:], "--help"])
        assert result.exit_code == 0, (name, result.output)
    environment = services["api"]["environment"]
    assert environment["ZENGZHI_RUN_JOBS"] == "false"  # the worker runs them
    assert environment["ZENGZHI_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "${ZENGZHI_SECRET_KEY" in environment["ZENGZHI_SECRET_KEY"]  # from .env
    assert services["api"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_worker_starts_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'zengzhi.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database", url]).exit_code == 0
    code = "from zengzhi.cli import app; app()"
    worker = subprocess.Popen(
        [sys.executable, "-c", code, "worker", "--interval", "1", "--database", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"ZENGZHI_SECRET_KEY": "k" * 40},
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().startswith("worker: jobs every 1 s")
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert out.strip().endswith("worker: stopped")
    assert "Traceback" not in err
