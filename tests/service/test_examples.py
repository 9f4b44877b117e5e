"""The shop examples (Python with the typed client, PHP, Node.js), run as an integrator
runs them against `zengzhi serve --demo`: each creates and pays orders (PHP and Node also
refund one) and verifies the webhooks that say so, on one demo server. PHP and Node come
from Debian (.ci/run installs php-cli and nodejs); a machine without them fails here, it
does not skip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import free_port
from tests.service.test_webhook_processes import until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("demo-server")


def program(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed for this test (Debian: apt-get install {package})")
    return found


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A demo server, one for the module's three examples (each makes members and orders
    of its own run): its URL, API key and owner password."""
    port = free_port()
    folder = tmp_path_factory.mktemp("demo")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "zengzhi"),
            "serve",
            "--demo",
            "--port",
            str(port),
            "--database",
            f"sqlite:///{folder / 'demo.db'}",
        ],
        env={**os.environ, "ZENGZHI_WEBHOOK_INTERVAL_SECONDS": "1", "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line)
            if "documentation at" in line:
                break
        printed = "".join(lines)
        password = re.search(r"console user owner / (\S+)", printed)
        key = re.search(r"demo API key: (\S+)", printed)
        assert password and key, printed
        assert f"http://127.0.0.1:{port}/console" in printed  # the start-up names the console
        threading.Thread(target=server.stdout.read, daemon=True).start()  # keep draining
        assert until(lambda: healthy(port), 30)
        # pasted after --password in the examples' usage: never an option's look
        assert re.fullmatch(r"[0-9a-f]{24}", password.group(1)), printed
        yield f"http://127.0.0.1:{port}", key.group(1), password.group(1)
    finally:
        server.terminate()
        server.wait(timeout=20)


def check(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"order \S+: created → completed → reversed", run.stdout), run.stdout
    verified = re.search(r"webhooks verified: (.*); refused: 0", run.stdout)
    assert verified, run.stdout
    assert sorted(verified.group(1).split(", ")) == ["order.completed", "order.reversed"]


def test_the_php_example(demo: tuple[str, str, str]) -> None:
    url, key, password = demo
    php = program("php", "php-cli")
    check(
        subprocess.run(
            [
                php,
                str(ROOT / "examples" / "shop_client.php"),
                f"--url={url}",
                f"--api-key={key}",
                f"--password={password}",
                f"--port={free_port()}",
                "--wait=60",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    )


def test_the_node_example(demo: tuple[str, str, str]) -> None:
    url, key, password = demo
    node = program("node", "nodejs")
    check(
        subprocess.run(
            [
                node,
                str(ROOT / "examples" / "shop_client.mjs"),
                "--url",
                url,
                "--api-key",
                key,
                "--password",
                password,
                "--port",
                str(free_port()),
                "--wait",
                "60",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    )


def test_the_python_shop_client_example(demo: tuple[str, str, str]) -> None:
    url, key, password = demo
    shop = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "shop_client.py"),
            "--url",
            url,
            "--api-key",
            key,
            "--password",
            password,
            "--port",
            str(free_port()),
            "--wait",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # the typed client, as an integrator has it after `pip install ./clients/python`
        env={**os.environ, "PYTHONPATH": str(ROOT / "clients" / "python")},
    )
    assert shop.returncode == 0, shop.stdout + shop.stderr
    assert "11 events received and verified" in shop.stdout
    assert "in order per member: True" in shop.stdout
