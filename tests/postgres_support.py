"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, loopback only.

`throwaway_cluster()` runs initdb in a temporary folder, starts the server on 127.0.0.1 with a free
port (its unix socket inside that folder), yields the URL of its `postgres` database, then stops
the server and deletes everything. initdb refuses to run as root: as root, the server runs as the
`postgres` system user (created by Debian's postgresql package) through runuser.
A cluster that cannot be started raises: the tests that need it fail, never skip.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

SERVER_USER = "postgres"  # the system account Debian's package creates
ROLE = "indicators"
# Durability is pointless in a cluster deleted after the tests; this makes every commit cheap.
FAST_SETTINGS = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=60"]


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl: `pg_config --bindir`, else Debian's newest version."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(found.stdout.strip()))
    debian = [Path(folder) for folder in glob.glob("/usr/lib/postgresql/*/bin") if Path(folder).parent.name.isdigit()]
    candidates += sorted(debian, key=lambda folder: int(folder.parent.name), reverse=True)
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise RuntimeError(
        "initdb et pg_ctl introuvables : installer le paquet Debian postgresql "
        "(apt-get install postgresql), ou définir DATABASE_URL_TEST."
    )


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command: list[str], folder: Path) -> None:
    done = subprocess.run(as_server_user(command), cwd=folder, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        log = folder / "server.log"
        raise RuntimeError(
            f"{Path(command[0]).name} a échoué ({done.returncode}) :\n{done.stdout}\n{done.stderr}\n"
            + (log.read_text(errors="replace") if log.exists() else "")
        )


def start_server(binaries: Path, folder: Path, attempts: int = 3) -> int:
    """Start the server on a free loopback port (another one if that port was taken meanwhile)."""
    for attempt in range(attempts):
        port = free_port()
        settings = ["listen_addresses=127.0.0.1", f"port={port}", f"unix_socket_directories={folder}", *FAST_SETTINGS]
        options = " ".join(f"-c {setting}" for setting in settings)
        try:
            run(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(folder / "data"),
                    "-l",
                    str(folder / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ],
                folder,
            )
            return port
        except RuntimeError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    binaries = server_binaries()
    # Under /tmp rather than pytest's tmp_path, whose parents the server user may not traverse.
    folder = Path(tempfile.mkdtemp(prefix="indicators-pg-"))
    password = secrets.token_urlsafe(24)
    started = False
    try:
        (folder / "password").write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(folder, SERVER_USER, SERVER_USER)
            shutil.chown(folder / "password", SERVER_USER, SERVER_USER)
        run(
            [
                str(binaries / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                ROLE,
                f"--pwfile={folder / 'password'}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            folder,
        )
        port = start_server(binaries, folder)
        started = True
        yield f"postgresql://{ROLE}:{password}@127.0.0.1:{port}/postgres"
    finally:
        if started:
            run([str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"], folder)
        shutil.rmtree(folder, ignore_errors=True)


def libpq_url(url: str, database: str | None = None) -> str:
    """A URL psycopg accepts (no SQLAlchemy driver suffix), on `database` if given."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def create_database(server_url: str, name: str, template: str = "template1") -> str:
    """A new database on the server of `server_url`, copied from `template`; returns its URL."""
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return libpq_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(libpq_url(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
