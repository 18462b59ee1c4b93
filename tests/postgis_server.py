"""A throwaway PostgreSQL + PostGIS cluster for the ``tests/test_postgis*.py`` files.

``initdb`` runs in a temporary folder (owned by the ``postgres`` user when the
tests run as root, since PostgreSQL refuses to run as root), the server listens
on a free port of 127.0.0.1 with its socket in that folder, and the database
``mgis_test`` gets the PostGIS extension. The superuser connects without a
password (trust); the role ``mgis_pw`` must give its password (SCRAM), which
the password tests use. Without the server binaries the tests are skipped, or
fail when ``MGIS_REQUIRE_TOOLS`` is set (CI). The cluster is started once per
test session and stopped after the last test.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest

from mgis.io.pg_connect import PgConnection, register_connection

DATABASE = "mgis_test"
NO_POSTGIS_DATABASE = "mgis_plain"
PASSWORD_ROLE = "mgis_pw"
PASSWORD = "S3cret-pässword-42"


@dataclass
class PgServer:
    """A running test cluster."""

    root: Path
    port: int
    bindir: Path
    as_postgres: bool
    stopped: bool = field(default=False)

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def connection(self, name: str = "test", **changes: Any) -> PgConnection:
        """The superuser (trust) connection over TCP, registered under ``name``."""
        settings: dict[str, Any] = {
            "name": name,
            "host": "127.0.0.1",
            "port": self.port,
            "database": DATABASE,
            "user": "postgres",
            "sslmode": "disable",
        }
        settings.update(changes)
        conn = PgConnection(**settings)
        register_connection(conn)
        return conn

    def password_connection(self, name: str = "test-pw") -> PgConnection:
        """The password-protected role's connection (no password inside)."""
        return self.connection(name, user=PASSWORD_ROLE)

    def conninfo(self, database: str = DATABASE) -> str:
        """libpq connection string of the superuser."""
        return f"host=127.0.0.1 port={self.port} dbname={database} user=postgres sslmode=disable"

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.stopped:
            return
        self.stopped = True
        _run(
            self,
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _skip_or_fail(reason: str) -> None:
    """Skip, or fail in CI (``MGIS_REQUIRE_TOOLS``)."""
    if os.environ.get("MGIS_REQUIRE_TOOLS"):
        pytest.fail(reason)
    pytest.skip(reason)


def _bindir() -> Path | None:
    """Return the newest PostgreSQL server binary folder."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _has_postgis(bindir: Path) -> bool:
    """Return True when the PostGIS extension files of this server version are installed."""
    done = subprocess.run(
        [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    )
    share = (
        Path(done.stdout.strip())
        if done.returncode == 0
        else Path("/usr/share/postgresql") / bindir.parts[-2]
    )
    return (share / "extension" / "postgis.control").is_file()


def _free_port() -> int:
    """Return a free local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(
    server: PgServer, args: list[str], *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a server program, as ``postgres`` when we are root."""
    if server.as_postgres:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}\n{done.stderr}")
    return done


def _stop_orphans(bindir: Path, as_postgres: bool) -> None:
    """Stop clusters left by test sessions that were killed (their owner process is gone)."""
    for owner in Path(tempfile.gettempdir()).glob("mgis-pg-*/owner.pid"):
        try:
            os.kill(int(owner.read_text(encoding="utf-8")), 0)
        except ProcessLookupError:
            orphan = PgServer(root=owner.parent, port=0, bindir=bindir, as_postgres=as_postgres)
            orphan.stop()
        except (OSError, ValueError):
            continue


def start_server() -> PgServer:
    """Create, start and prepare a throwaway cluster (see the module docstring)."""
    bindir = _bindir()
    if bindir is None:
        _skip_or_fail(
            "PostgreSQL server binaries (initdb) are not installed: "
            "apt-get install postgresql-15-postgis-3"
        )
    assert bindir is not None
    if not _has_postgis(bindir):
        _skip_or_fail(
            "the PostGIS extension is not installed: apt-get install postgresql-15-postgis-3"
        )
    as_postgres = os.geteuid() == 0
    _stop_orphans(bindir, as_postgres)
    # The server user must reach the folder: under /tmp, whatever TMPDIR says.
    base = "/tmp" if as_postgres and Path("/tmp").is_dir() else None
    root = Path(tempfile.mkdtemp(prefix="mgis-pg-", dir=base))
    (root / "sock").mkdir()
    (root / "owner.pid").write_text(str(os.getpid()), encoding="utf-8")
    server = PgServer(root=root, port=_free_port(), bindir=bindir, as_postgres=as_postgres)
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(root / "sock", "postgres", "postgres")
    try:
        _run(
            server,
            [
                str(bindir / "initdb"),
                "-D",
                str(root / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
        )
        hba = root / "data" / "pg_hba.conf"
        hba.write_text(
            "local all all trust\n"
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n",
            encoding="utf-8",
        )
        options = (
            f"-p {server.port} -k {root / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
            "-c max_wal_size=2GB -c work_mem=64MB -c maintenance_work_mem=256MB"
        )
        _run(
            server,
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(root / "data"),
                "-l",
                str(root / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ],
        )
        atexit.register(server.stop)
        _prepare(server)
    except Exception:
        log = root / "server.log"
        text = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
        server.stop()
        raise RuntimeError(f"the test PostgreSQL cluster did not start; log:\n{text}") from None
    return server


def _prepare(server: PgServer) -> None:
    """Create the databases, the PostGIS extension and the password role."""
    import psycopg
    from psycopg import sql

    admin = psycopg.connect(server.conninfo("postgres"), autocommit=True)
    with admin:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(PASSWORD_ROLE), sql.Literal(PASSWORD)
            )
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(DATABASE), sql.Identifier(PASSWORD_ROLE)
            )
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NO_POSTGIS_DATABASE)))
    with psycopg.connect(server.conninfo(), autocommit=True) as pg:
        pg.execute("CREATE EXTENSION postgis")
        pg.execute(
            sql.SQL("GRANT ALL ON SCHEMA public TO {}").format(sql.Identifier(PASSWORD_ROLE))
        )


_SERVER: list[PgServer] = []


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> PgServer:
    """The session's test cluster (started on first use, stopped at the end)."""
    if not _SERVER:
        server = start_server()
        _SERVER.append(server)
        request.config.add_cleanup(server.stop)
    return _SERVER[0]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A credential store in memory, standing in for the operating system's."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with contextlib.suppress(KeyError):
            del self.items[(service, username)]


@pytest.fixture
def memory_keyring() -> Any:
    """Use an in-memory credential store for one test."""
    previous = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(previous)
