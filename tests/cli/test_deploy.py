"""What of docs/deploy.md can be tested without Docker (which cannot run here): the image's
and compose's commands are the CLI's real ones, the API processes leave the jobs to the
worker, and the worker starts and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import site
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from zengzhi import app as api_app
from zengzhi.cli import app
from zengzhi.service.settings import Settings

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


# ------------------------------------------------- compose.yaml, as `docker compose config`


def variables(text: str) -> set[str]:
    """The names compose substitutes in a text: ${NAME}, ${NAME:?…}, ${NAME:-…}."""
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))


def test_compose_gives_what_the_app_reads() -> None:
    text = (ROOT / "compose.yaml").read_text()
    services = compose()["services"]
    read = {f"ZENGZHI_{name.upper()}" for name in Settings.model_fields}
    for name in ("migrate", "api", "worker"):
        environment = services[name]["environment"]
        named = {key for key in environment if key.startswith("ZENGZHI_")}
        assert named <= read, sorted(named - read)  # no name the app would ignore
        # on PostgreSQL the app stops at start without these (service/payee_keys.py)
        assert {"ZENGZHI_DATABASE_URL", "ZENGZHI_SECRET_KEY", "ZENGZHI_PAYEE_KEYS"} <= named
        for key in ("ZENGZHI_SECRET_KEY", "ZENGZHI_PAYEE_KEYS"):
            assert environment[key] == f"${{{key}:?set it in .env}}"  # required, from .env
    # every variable compose needs is one that docs/deploy.md's .env line writes
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    [line] = [one for one in deploy.splitlines() if one.startswith("printf ") and "> .env" in one]
    written = set(re.findall(r"([A-Z_]+)=%s", line))
    assert variables(text) == written, (variables(text), written)
    # the URL's user and database are the ones the postgres service makes
    url = services["api"]["environment"]["ZENGZHI_DATABASE_URL"]
    postgres = services["postgres"]["environment"]
    assert url.startswith(f"postgresql+psycopg://{postgres['POSTGRES_USER']}:")
    assert url.endswith(f"@postgres:5432/{postgres['POSTGRES_DB']}")


def test_compose_s_services_ports_and_volumes_hold_together() -> None:
    loaded = compose()
    services = loaded["services"]
    for name, service in services.items():
        for needed, condition in service.get("depends_on", {}).items():
            assert needed in services and needed != name, (name, needed)
            assert condition["condition"] in (
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            )
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], needed
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in loaded["volumes"], (name, volume)
    # the API's port: the image's command, its EXPOSE, compose's mapping and health check
    command = image_command()
    port = command[command.index("--port") + 1]
    assert f"\nEXPOSE {port}\n" in (ROOT / "Dockerfile").read_text()
    api = services["api"]
    assert [mapping.rsplit(":", 1)[1] for mapping in api["ports"]] == [port]
    assert f"127.0.0.1:{port}/health" in " ".join(api["healthcheck"]["test"])
    assert "command" not in api  # the image's own command
    assert services["migrate"]["restart"] == "no"  # a one-shot


def test_the_build_context_leaves_secrets_and_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for pattern in (".env", "*.db", "*.secret", "*.payee-key", ".venv", "**/__pycache__"):
        assert pattern in ignored, pattern


# --------------------------------------- the image's install and command, without Docker


def copied(destination: Path) -> None:
    """What the Dockerfile's COPY lines copy, from a clean checkout (git's files only)."""
    sources = [
        part
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
        for part in line.split()[1:-1]
    ]
    assert sources == ["pyproject.toml", "README.md", "src"], sources
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *sources],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, target)


def installed(tmp_path: Path) -> Path:
    """The Dockerfile's `pip install .` of a clean copy, in a fresh venv under tmp_path:
    its folder. The dependencies come from this environment (no network): a .pth file
    points at its site-packages, which does not bring this checkout's own editable
    zengzhi (the .pth files in a path that a .pth names are not read)."""
    copy, fresh = tmp_path / "copy", tmp_path / "venv"
    copied(copy)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(copy)],
        check=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("zengzhi-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )
    [packages] = (fresh / "lib").glob("python3*/site-packages")
    (packages / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    where = subprocess.run(
        [str(python), "-c", "import zengzhi; print(zengzhi.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(str(packages)), where

    return fresh


def test_the_image_s_install_and_command_work_in_a_fresh_environment(
    tmp_path: Path, postgres_url: str
) -> None:
    """The image's install, then compose's migrate command and the image's CMD (one
    process, on a free port) against PostgreSQL: the package data (templates,
    translations, migrations, static files) is in the installed package, not only in the
    checkout."""
    fresh = installed(tmp_path)
    python = fresh / "bin" / "python"
    listed = subprocess.run(  # the console's shipped simulation scenarios come along
        [str(python), "-c", "from zengzhi.service.simulations import shipped; print(shipped())"],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    scenarios = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
    assert listed.stdout.strip() == str(sorted(p.name for p in scenarios.glob("*.toml")))
    environment = compose()["services"]["api"]["environment"]
    env = {
        "ZENGZHI_DATABASE_URL": postgres_url,
        "ZENGZHI_SECRET_KEY": "a-secret-key-for-this-test-only-" * 2,
        "ZENGZHI_PAYEE_KEYS": Fernet.generate_key().decode(),
        "ZENGZHI_RUN_JOBS": environment["ZENGZHI_RUN_JOBS"],
    }
    assert set(env) == set(environment)
    outside = ("ZENGZHI_", "PYTHONPATH")  # this checkout's settings and code stay out
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(outside)}, **env}
    migrate = compose()["services"]["migrate"]["command"]
    zengzhi = str(fresh / "bin" / "zengzhi")  # the script `pip install .` made
    done = subprocess.run(
        [zengzhi, *migrate[1:]], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr

    command = image_command()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = port
    command[command.index("--workers") + 1] = "1"
    server = subprocess.Popen(
        [str(python), "-m", *command], env=env, cwd=tmp_path, stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while server.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert server.poll() is None, server.communicate()[1]
        docs = httpx.get(f"{base}/docs", timeout=10)
        assert docs.status_code == 200
        [script] = re.findall(r'src="(/docs/assets/[^"]+\.js)"', docs.text)[:1]
        assert httpx.get(base + script, timeout=10).status_code == 200  # offline assets
        login = httpx.get(f"{base}/console/login", timeout=10)  # templates, translations
        assert login.status_code == 200 and "<form" in login.text
        assert "server" not in login.headers  # --no-server-header
    finally:
        server.terminate()
        server.wait(timeout=30)
