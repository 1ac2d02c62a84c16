"""The multi-server deployment of compose.yaml, run from Debian packages on one machine, on loopback.

    scripts/cluster.sh up [FOLDER]     # PostgreSQL, two Streamlit replicas, nginx; prints the address
    scripts/cluster.sh status [FOLDER]
    scripts/cluster.sh down [FOLDER]

What compose.yaml runs in containers, this runs as processes: a throwaway PostgreSQL cluster
(Debian's `postgresql` server binaries, `initdb` in FOLDER), two `streamlit run dashboard.py`
replicas (`streamlit run server.py`) with the same `DATABASE_URL`, cookie secret and analyst
password, and Debian's nginx with the shipped `deploy/nginx.conf`, of which only the addresses and
the certificate are rewritten (`nginx_config`): TLS, headers, rate limits, affinity, WebSocket and
upload settings are the very ones the containers use. It needs no image and no network, so the
deployment for several servers is proven on any Debian machine (tests/test_cluster.py) and tried
by a département before it builds images.

Not for production: the database runs without fsync, everything listens on 127.0.0.1, the
certificate is self-signed (made by Debian's `openssl` at start, its key never leaves FOLDER), and
FOLDER (a temporary folder by default) holds the data and the analyst password (cluster.json,
readable by its owner only). nginx adds one response header for the tests,
`X-Indicateurs-Replica`, naming the replica it chose.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indicators.access import hash_password

REPO_ROOT = Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf"
STATE_FILE = "cluster.json"
REPLICAS = ("app1", "app2")  # the service names of compose.yaml

# --- PostgreSQL: a throwaway cluster from Debian's server binaries ---------------------------------

SERVER_USER = "postgres"  # the system account Debian's postgresql package creates
ROLE = "indicators"
# Durability is pointless in a cluster deleted afterwards; this makes every commit cheap.
FAST_SETTINGS = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=60"]


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl: `pg_config --bindir`, else Debian's newest version."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(found.stdout.strip()))
    debian = [Path(folder) for folder in glob.glob("/usr/lib/postgresql/*/bin") if Path(folder).parent.name.isdigit()]
    candidates += sorted(debian, key=lambda folder: int(folder.parent.name), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise RuntimeError(
        "initdb et pg_ctl introuvables : installer le paquet Debian postgresql "
        "(apt-get install postgresql), ou définir DATABASE_URL_TEST."
    )


def as_server_user(command: list[str]) -> list[str]:
    """initdb refuses to run as root: as root, the server runs as Debian's `postgres` account."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_as_server(command: list[str], folder: Path) -> None:
    done = subprocess.run(as_server_user(command), cwd=folder, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        log = folder / "server.log"
        raise RuntimeError(
            f"{Path(command[0]).name} a échoué ({done.returncode}) :\n{done.stdout}\n{done.stderr}\n"
            + (log.read_text(errors="replace") if log.exists() else "")
        )


def start_postgres(binaries: Path, folder: Path, attempts: int = 3) -> int:
    """Start the server of `folder/data` on a free loopback port (another one if it was taken meanwhile)."""
    for attempt in range(attempts):
        port = free_port()
        settings = ["listen_addresses=127.0.0.1", f"port={port}", f"unix_socket_directories={folder}", *FAST_SETTINGS]
        options = " ".join(f"-c {setting}" for setting in settings)
        command = [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "server.log")]
        try:
            run_as_server([*command, "-w", "-t", "60", "-o", options, "start"], folder)
            return port
        except RuntimeError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def init_postgres(folder: Path) -> str:
    """initdb in `folder/data` and start it; the URL of its `postgres` database (password auth)."""
    binaries = server_binaries()
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    (folder / "password").write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_USER, SERVER_USER)
        shutil.chown(folder / "password", SERVER_USER, SERVER_USER)
    run_as_server(
        [
            str(binaries / "initdb"),
            *("-D", str(folder / "data"), "-U", ROLE, f"--pwfile={folder / 'password'}"),
            *("--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"),
        ],
        folder,
    )
    port = start_postgres(binaries, folder)
    return f"postgresql://{ROLE}:{password}@127.0.0.1:{port}/postgres"


def stop_postgres(folder: Path) -> None:
    if (folder / "data" / "postmaster.pid").exists():
        run_as_server(
            [str(server_binaries() / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"], folder
        )


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL server for as long as the block runs, then stopped and deleted."""
    # Under /tmp rather than a test's tmp_path, whose parents the server user may not traverse.
    folder = Path(tempfile.mkdtemp(prefix="indicators-pg-"))
    try:
        url = init_postgres(folder)
        try:
            yield url
        finally:
            stop_postgres(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- nginx: the shipped configuration, addresses rewritten -------------------------------------------


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its private key, made here (never committed)."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "certificate.pem", folder / "private-key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl introuvable : installer le paquet Debian openssl (apt-get install openssl)")
    subprocess.run(
        [
            openssl,
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
            *("-keyout", str(key), "-out", str(certificate)),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    )
    key.chmod(0o600)
    return certificate, key


def nginx_config(
    template: str, ports: dict[str, int], replica_ports: dict[str, int], prefix: Path, certificate: tuple[Path, Path]
) -> str:
    """deploy/nginx.conf with loopback addresses for nginx (`ports`: "http" and "https") and the
    replicas, the local certificate, and its files under `prefix`.

    Every rewrite must find its line exactly once: a change to the shipped file that this cluster
    would silently miss fails here instead.
    """

    def rewrite(text: str, pattern: str, replacement: str) -> str:
        result, count = re.subn(pattern, replacement, text, flags=re.M)
        if count != 1:
            raise ValueError(f"deploy/nginx.conf : « {pattern} » trouvé {count} fois au lieu d'une")
        return result

    config = template
    for name, port in replica_ports.items():
        config = rewrite(config, rf"^(\s*server\s+){name}:8501\b", rf"\g<1>127.0.0.1:{port}")
    config = rewrite(config, r"^(\s*)listen\s+80;", rf"\g<1>listen 127.0.0.1:{ports['http']};")
    config = rewrite(config, r"^(\s*)listen\s+443\s+ssl;", rf"\g<1>listen 127.0.0.1:{ports['https']} ssl;")
    # The redirect names the HTTPS port, which is not 443 here.
    config = rewrite(config, r"https://\$host\$request_uri;", rf"https://$host:{ports['https']}$request_uri;")
    config = rewrite(config, r"^(\s*ssl_certificate)\s+\S+;", rf"\g<1> {certificate[0]};")
    config = rewrite(config, r"^(\s*ssl_certificate_key)\s+\S+;", rf"\g<1> {certificate[1]};")
    config = rewrite(config, r"^(\s*)access_log\s+/dev/stdout;", rf"\g<1>access_log {prefix}/access.log;")
    config = rewrite(config, r"^(\s*)error_log\s+/dev/stderr\s+warn;", rf"\g<1>error_log {prefix}/error.log warn;")
    # A process of its own, not Debian's service: its pid and temporary files in `prefix`.
    temporary = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = rewrite(config, r"^(http\s*\{)", rf"\g<1>\n{temporary}\n")
    config = rewrite(config, r"^(worker_processes\s+\w+;)", rf"\g<1>\npid {prefix}/nginx.pid;")
    return rewrite(
        config,
        r"^(\s*)(add_header X-Content-Type-Options nosniff always;)",
        r"\g<1>\g<2>\n\g<1>add_header X-Indicateurs-Replica $upstream_addr always;",
    )


# --- The cluster ----------------------------------------------------------------------------------


@dataclass
class Cluster:
    """What runs, where: enough to find, stop or restart every part (also saved as FOLDER/cluster.json)."""

    folder: Path
    database_url: str
    cookie_secret: str
    analyst_password: str
    proxy_port: int
    http_port: int
    replica_ports: dict[str, int]
    replica_pids: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The address viewers open: nginx, over HTTPS."""
        return f"https://127.0.0.1:{self.proxy_port}"

    @property
    def http_url(self) -> str:
        """nginx's plain HTTP port, which only redirects to `url`."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def certificate(self) -> Path:
        """The self-signed certificate nginx presents (a client may trust it as its own authority)."""
        return self.folder / "tls" / "certificate.pem"

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    def replica_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.replica_ports[name]}"

    def replica_of(self, upstream: str) -> str | None:
        """The replica name behind an upstream address nginx reports ("127.0.0.1:40123")."""
        ports = {f"127.0.0.1:{port}": name for name, port in self.replica_ports.items()}
        return ports.get(upstream.split(",")[-1].strip())

    def save(self) -> None:
        state = {**asdict(self), "folder": str(self.folder)}
        path = self.folder / STATE_FILE
        path.write_text(json.dumps(state, indent=2), encoding="utf-8")
        path.chmod(0o600)  # the database password and the cookie secret

    @classmethod
    def load(cls, folder: Path) -> Cluster:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return cls(**{**state, "folder": Path(state["folder"])})

    # Replicas ---------------------------------------------------------------------------------

    def start_replica(self, name: str, timeout: float = 90) -> None:
        """`streamlit run dashboard.py` on the replica's port, with the shared database; back when healthy."""
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115  (the server keeps it open)
        process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "streamlit", "run", str(REPO_ROOT / "server.py")),
                *("--server.port", str(self.replica_ports[name]), "--server.address", "127.0.0.1"),
                *("--server.headless", "true"),
                # The analyst password's hash, shared by both replicas (as compose mounts deploy/secrets.toml).
                *("--secrets.files", str(self.folder / "secrets.toml")),
            ],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives `cluster.sh up` returning; stopped by `down`
            env={
                **os.environ,
                "DATABASE_URL": self.database_url,
                # Identical on every replica, as in compose.yaml: Streamlit signs its XSRF cookie with it.
                "STREAMLIT_SERVER_COOKIE_SECRET": self.cookie_secret,
                "INDICATORS_DATA_DIR": str(self.folder / "data"),
                # nginx, on this machine: the only address whose X-Forwarded-For is believed.
                "FORWARDED_ALLOW_IPS": "127.0.0.1",
                "INDICATORS_ALLOWED_HOSTS": "127.0.0.1",
            },
        )
        log.close()
        self.replica_pids[name] = process.pid
        wait_until_healthy(self.replica_url(name), timeout, process)
        self.save()

    def stop_replica(self, name: str, kill: bool = False) -> None:
        """Stop a replica (SIGKILL with `kill`: a crash, no goodbye to its sessions)."""
        pid = self.replica_pids.pop(name, None)
        if pid is not None:
            stop_process(pid, signal.SIGKILL if kill else signal.SIGTERM)
        self.save()

    # nginx ------------------------------------------------------------------------------------

    def start_proxy(self) -> None:
        prefix = self.folder / "nginx"
        prefix.mkdir(exist_ok=True)
        ports = {"http": self.http_port, "https": self.proxy_port}
        certificate = (self.certificate, self.folder / "tls" / "private-key.pem")
        template = NGINX_TEMPLATE.read_text(encoding="utf-8")
        config = nginx_config(template, ports, self.replica_ports, prefix, certificate)
        (prefix / "nginx.conf").write_text(config, encoding="utf-8")
        if os.geteuid() == 0:
            # Workers run as an unprivileged user: they must be able to write their temporary files.
            prefix.chmod(0o777)
        # nginx goes to the background: no pipe for it to keep open, its messages in its own files.
        with open(prefix / "start.log", "wb") as log:
            started = subprocess.run(
                [nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=30,
                check=False,
            )
        if started.returncode != 0:
            raise RuntimeError(f"nginx n'a pas démarré : {(prefix / 'start.log').read_text(errors='replace')}")
        wait_until_healthy(self.url, 30, context=self.tls_context())

    def stop_proxy(self) -> None:
        pid_file = self.folder / "nginx" / "nginx.pid"
        if pid_file.exists():
            stop_process(int(pid_file.read_text().strip()), signal.SIGQUIT)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError("nginx introuvable : installer le paquet Debian nginx (apt-get install nginx)")
    return found


def wait_until_healthy(
    url: str, timeout: float, process: subprocess.Popen[bytes] | None = None, context: ssl.SSLContext | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"le serveur {url} s'est arrêté au démarrage (code {process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} ne répond pas après {timeout:.0f} s")
        time.sleep(0.3)


def stop_process(pid: int, how: signal.Signals, timeout: float = 20) -> None:
    """Signal a process and wait until it is gone (reaping it when it is our child)."""
    try:
        os.kill(pid, how)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished:
                return
        except ChildProcessError:  # not our child: poll for its end
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def up(folder: Path) -> Cluster:
    """Start the database, both replicas and nginx in `folder`; the cluster, saved in folder/cluster.json."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    if (folder / STATE_FILE).exists():
        raise RuntimeError(f"un cluster tourne déjà dans {folder} (cluster.sh down {folder} d'abord)")
    # The published figures, sources and territories ship with the app, as in the image; the
    # observations and the audit log live in the database.
    shutil.copytree(REPO_ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("store", "audit", "protected"))
    password = secrets.token_urlsafe(12)
    # As deploy/secrets.toml would hold it: the hash only, never the password.
    (folder / "secrets.toml").write_text(f'[analysts]\npassword_hash = "{hash_password(password)}"\n', encoding="utf-8")
    self_signed_certificate(folder / "tls")
    cluster = Cluster(
        folder=folder,
        database_url=init_postgres(folder / "postgres"),
        cookie_secret=secrets.token_hex(32),
        analyst_password=password,
        proxy_port=free_port(),
        http_port=free_port(),
        replica_ports={name: free_port() for name in REPLICAS},
    )
    cluster.save()
    try:
        for name in REPLICAS:
            cluster.start_replica(name)
        cluster.start_proxy()
    except BaseException:
        down(cluster)
        raise
    return cluster


def down(cluster: Cluster) -> None:
    """Stop everything and delete the folder's data (the database included)."""
    cluster.stop_proxy()
    for name in list(cluster.replica_pids):
        cluster.stop_replica(name)
    stop_postgres(cluster.folder / "postgres")
    shutil.rmtree(cluster.folder, ignore_errors=True)


@contextmanager
def running_cluster(folder: Path | None = None) -> Iterator[Cluster]:
    parent = None
    if folder is None:
        parent = Path(tempfile.mkdtemp(prefix="indicators-cluster-"))
        parent.chmod(0o755)  # PostgreSQL and nginx workers run as other users: they must traverse it
        folder = parent / "cluster"
    try:
        cluster = up(folder)
        try:
            yield cluster
        finally:
            down(cluster)
    finally:
        if parent is not None:
            shutil.rmtree(parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/cluster.sh", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("action", choices=["up", "status", "down"])
    parser.add_argument("folder", nargs="?", type=Path, default=Path(tempfile.gettempdir()) / "indicateurs-cluster")
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    try:
        if args.action == "up":
            cluster = up(folder)
            print(f"Tableau de bord derrière nginx : {cluster.url} (certificat auto-signé : {cluster.certificate})")
            print(f"- mot de passe d'analyste : {cluster.analyst_password}")
            for name in REPLICAS:
                print(f"- {name} : {cluster.replica_url(name)} (journal : {folder / f'{name}.log'})")
            print(f"- PostgreSQL : {folder / 'postgres'} ; arrêter : scripts/cluster.sh down {folder}")
            return 0
        if not (folder / STATE_FILE).exists():
            print(f"Aucun cluster dans {folder}.", file=sys.stderr)
            return 1
        cluster = Cluster.load(folder)
        if args.action == "status":
            state = {**asdict(cluster), "folder": str(folder), "url": cluster.url}
            # Secrets stay in cluster.json (readable by its owner only), not on the screen.
            state["database_url"] = re.sub(r":[^:@/]+@", ":***@", cluster.database_url)
            state["cookie_secret"] = "***"
            state["analyst_password"] = "***"
            print(json.dumps(state, indent=2))
            return 0
        down(cluster)
        print(f"Cluster arrêté, {folder} supprimé.")
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
