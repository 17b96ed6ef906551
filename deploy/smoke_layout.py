"""Start the one-machine production layout of deploy/README.md on free ports inside one folder.

Its own PostgreSQL cluster and Redis, the fake Twilio, `hsbp db upgrade` and the demo's seed,
gunicorn web processes (with deploy/gunicorn.conf.py) behind nginx (with
deploy/nginx/hsbp.conf, a throw-away certificate in place of Let's Encrypt's) and
`hsbp worker` processes, every one with HSBP_ENV=production. deploy/smoke_check.py proves
the layout with it; bench/production.py measures it.

Each process runs in its own session, so stopping one stops its children, and nothing it
started outlives `Layout.stop()`. The process groups are also listed in <folder>/run/pgids,
for deploy/smoke to end what a killed driver left behind.
"""

# Every command here is a fixed program with arguments this module makes, none from outside.
# ruff: noqa: S603

from __future__ import annotations

import contextlib
import ipaddress
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from twilio.request_validator import RequestValidator

from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN

DEPLOY = Path(__file__).resolve().parent
HOST = "127.0.0.1"
# The demo's shared SMS number and the join code of its Caguán partnership (hsbp.sms.demo).
SENDER = "+15005550006"
JOIN_CODE = "DEMO"
FACILITATOR = ("lucia.hernandez@demo.hsbp.example", "hsbp-demo-2026")
ACCOUNT_SID, AUTH_TOKEN = DEV_TWILIO_SID, DEV_TWILIO_TOKEN  # what the fake Twilio accepts
APT_NAMES = {"nginx": "nginx", "postgres": "postgresql", "redis": "redis-server"}


STARTED = time.monotonic()


INBOUND = "/sms/twilio/inbound"


def signed_sms(base: str, *, sid: str, number: str, body: str) -> tuple[dict, dict]:
    """The form and headers of an inbound SMS as Twilio posts it through the proxy: signed
    for the public address with the account's token, forwarded as https."""
    params = {
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": number,
        "To": SENDER,
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(base + INBOUND, params)
    return params, {"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https"}


def say(message: str) -> None:
    """One line of the timed log, in seconds since the run began."""
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def free_ports(count: int) -> list[int]:
    """`count` distinct ports nobody listens on (held together, so none is handed out twice)."""
    sockets = []
    try:
        for _ in range(count):
            held = socket.socket()
            held.bind((HOST, 0))
            sockets.append(held)
        return [held.getsockname()[1] for held in sockets]
    finally:
        for held in sockets:
            held.close()


def postgres_bin() -> Path | None:
    """Debian's newest PostgreSQL server binaries, or the ones on PATH."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    found.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def missing_programs() -> list[str]:
    """The server programs this layout needs and cannot find, each with its Debian package."""
    missing = []
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx")
    if postgres_bin() is None:
        missing.append("postgres")
    if not shutil.which("redis-server"):
        missing.append("redis")
    if os.geteuid() == 0 and "postgres" not in missing:
        try:
            pwd.getpwnam("postgres")  # PostgreSQL refuses to run as root: it runs as this user
        except KeyError:
            missing.append("postgres")
    return [f"{name} (apt-get install {APT_NAMES[name]})" for name in missing]


def make_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for 127.0.0.1 signed by it: (certificate, key, CA).

    A CA of its own rather than a self-signed leaf, so clients that verify strictly (and
    the fake Twilio's status callbacks) accept it as they would Let's Encrypt's chain."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hsbp smoke test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "fullchain.pem", folder / "privkey.pem", folder / "ca.pem")
    paths[0].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    paths[1].chmod(0o600)
    paths[2].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return paths


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def wait_until(what: str, ready: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s")


def client(verify: bool | str = True) -> requests.Session:
    """A keep-alive HTTP client that trusts `verify` (a CA file) whatever the environment says:
    requests lets REQUESTS_CA_BUNDLE override a session's own CA, and a proxy from the
    environment would stand between the client and this machine's ports."""
    session = requests.Session()
    session.trust_env = False
    session.verify = verify
    return session


def partnership_of(web: requests.Session, base: str) -> str:
    """The id of the signed-in facilitator's partnership: /partnerships sends someone with one
    partnership straight to its dashboard, and lists them when there are several."""
    landing = web.get(base + "/partnerships", timeout=30, allow_redirects=False)
    found = re.search(r"/p/(\d+)/", landing.headers.get("Location", "") or landing.text)
    if landing.status_code not in (200, 302) or found is None:
        raise RuntimeError(f"/partnerships leads to no partnership ({landing.status_code})")
    return found.group(1)


def http_ok(url: str, *, verify: bool | str = True) -> bool:
    """Whether `url` answers 200; a missing /healthz (404) falls back to the sign-in page."""
    response = client(verify).get(url, timeout=5, allow_redirects=False)
    if response.status_code == 404 and url.endswith("/healthz"):
        response = client(verify).get(url[: -len("/healthz")] + "/login", timeout=5)
    return response.status_code == 200


def as_user(user: str | None) -> dict:
    """Popen arguments that run a child as `user` (root only), with that user's group alone."""
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []}


def redis_ping(port: int) -> bool:
    """PONG, not LOADING: Redis answers while it reads its append-only file back."""
    with socket.create_connection((HOST, port), timeout=2) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(64).startswith(b"+PONG")


class Processes:
    """Children started in sessions of their own, their output in <folder>/logs/<name>.log."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.logs = folder / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        (folder / "run").mkdir(exist_ok=True)
        self.running: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, argv: list, *, env: dict, user: str | None = None, cwd=None):
        if name in self.running and self.running[name].poll() is None:
            raise RuntimeError(f"{name} is running already")
        with open(self.logs / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [str(arg) for arg in argv],
                env=env,
                cwd=cwd or self.folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **as_user(user),
            )
        self.running[name] = process
        with open(self.folder / "run" / "pgids", "a") as pgids:
            pgids.write(f"{process.pid}\n")
        return process

    def alive(self, name: str) -> bool:
        process = self.running.get(name)
        return process is not None and process.poll() is None

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Ask the process to stop with `sig`, then kill its whole group; wait for it."""
        process = self.running.get(name)
        if process is None:
            return
        if process.poll() is None:
            try:
                os.kill(process.pid, sig)
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                pass
        # Children that outlive their leader (a gunicorn worker, a postgres backend) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)

    def kill(self, name: str) -> None:
        """SIGKILL, as the out-of-memory killer or a power cut would: no clean-up at all."""
        os.killpg(self.running[name].pid, signal.SIGKILL)
        self.running[name].wait(10)

    def stop_all(self, order: list[str]) -> None:
        names = [n for n in order if n in self.running]
        names += [n for n in reversed(list(self.running)) if n not in names]
        for name in names:
            self.stop(name, *STOP_SIGNALS.get(name.rstrip("0123456789-"), ()))
        (self.folder / "run" / "pgids").unlink(missing_ok=True)

    def tails(self, lines: int = 30) -> str:
        """The end of every log, for CI to show why something failed."""
        parts = []
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()
            parts.append(f"----- {path.name} (last {min(lines, len(text))} lines)")
            parts.extend(text[-lines:])
        return "\n".join(parts)


# How each kind of process is asked to stop: a huey consumer finishes its running tasks on
# SIGINT (SIGTERM would drop them), PostgreSQL's fast shutdown is SIGINT, nginx's
# graceful one SIGQUIT.
STOP_SIGNALS = {
    "worker": (signal.SIGINT, 20.0),
    "postgres": (signal.SIGINT, 20.0),
    "nginx": (signal.SIGQUIT, 10.0),
    "web": (signal.SIGTERM, 20.0),
}


def clean_environment(home: Path) -> dict[str, str]:
    """The caller's environment without any HSBP_* or Prometheus setting of its own."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HSBP_", "PROMETHEUS_", "GUNICORN_", "PG", "REQUESTS_"))
        and name not in ("WEB_CONCURRENCY", "VIRTUAL_ENV", "PYTHONPATH")
    }
    env.update(HOME=str(home), LANG="C.UTF-8", PYTHONUNBUFFERED="1")
    return env


class Layout:
    """The VM layout in `folder`, run with the `hsbp` and `gunicorn` of `bin_dir`."""

    def __init__(
        self,
        folder: Path,
        bin_dir: Path,
        *,
        web_processes: int = 2,
        web_workers: int = 2,
        workers: int = 2,
        worker_threads: int = 2,
        sms_rate: float | None = None,
    ):
        self.folder = folder.absolute()
        self.bin = bin_dir.absolute()
        self.web_processes = web_processes
        self.web_workers = web_workers
        self.workers = workers
        self.worker_threads = worker_threads
        self.sms_rate = sms_rate
        self.processes = Processes(folder)
        self.pg_bin = postgres_bin()
        ports = free_ports(5 + web_processes)
        self.https_port, self.http_port, self.pg_port, self.redis_port, self.fake_port = ports[:5]
        self.web_ports = ports[5:]
        self.public_url = f"https://{HOST}:{self.https_port}"
        self.fake_url = f"http://{HOST}:{self.fake_port}"
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.db_password = secrets.token_urlsafe(16)
        self.database_url = (
            f"postgresql+psycopg://hsbp:{self.db_password}@{HOST}:{self.pg_port}/hsbp"
        )
        self.certificate = self.key = self.ca = None

    # -- the environment of every hsbp process ------------------------------------------

    def hsbp_environment(self) -> dict[str, str]:
        """What /etc/hsbp/hsbp.env holds on a VM (deploy/hsbp.env.example), for this folder."""
        if not hasattr(self, "_secrets"):
            self._secrets = (
                secrets.token_urlsafe(48),
                Fernet.generate_key().decode(),
                secrets.token_urlsafe(24),
            )
        env = clean_environment(self.folder / "home")
        env.update(
            HSBP_ENV="production",
            HSBP_SECRET_KEY=self._secrets[0],
            HSBP_FIELD_KEY=self._secrets[1],
            HSBP_DATABASE_URL=self.database_url,
            HSBP_PUBLIC_URL=self.public_url,
            HSBP_TRUST_PROXY="1",
            HSBP_QUEUE_URL=f"redis://{HOST}:{self.redis_port}/0",
            HSBP_RATELIMIT_STORAGE_URL=f"redis://{HOST}:{self.redis_port}/1",
            HSBP_MAIL_LOG="1",
            HSBP_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            HSBP_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            HSBP_TWILIO_API_BASE=self.fake_url,
            HSBP_INSTANCE_PATH=str(self.folder / "instance"),
            HSBP_SMS_SPOOL_DIR=str(self.folder / "spool"),
            HSBP_ACTION_UPLOAD_DIR=str(self.folder / "uploads" / "actions"),
            HSBP_LOG_FORMAT="json",
            HSBP_LOG_LEVEL="INFO",
            # Through nginx a scrape is never "local" (nginx adds X-Forwarded-For): a token.
            HSBP_METRICS_TOKEN=self._secrets[2],
            PROMETHEUS_MULTIPROC_DIR=str(self.folder / "metrics"),
        )
        if self.sms_rate is not None:
            env["HSBP_SMS_RATE_PER_SECOND"] = str(self.sms_rate)
        return env

    @property
    def metrics_token(self) -> str:
        return self.hsbp_environment()["HSBP_METRICS_TOKEN"]

    def hsbp(self, *args: str, timeout: float = 120.0) -> str:
        """Run an `hsbp` command to its end; its output, or RuntimeError with it."""
        result = subprocess.run(
            [str(self.bin / "hsbp"), *args],
            env=self.hsbp_environment(),
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        with open(self.processes.logs / "hsbp-commands.log", "a") as log:
            log.write(f"$ hsbp {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        if result.returncode != 0:
            raise RuntimeError(f"hsbp {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    # -- starting and stopping ----------------------------------------------------------

    def start(self) -> None:
        for name in ("home", "instance", "spool", "uploads/actions", "metrics", "redis"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        # PostgreSQL runs as its own user: it must be able to pass through this folder.
        self.folder.chmod(0o711)
        self.certificate, self.key, self.ca = make_certificate(self.folder / "tls")
        say(f"starting the layout in {self.folder}")
        self.init_postgres()
        self.start_postgres()
        self.start_redis()
        self.start_fake_twilio()
        say(f"PostgreSQL :{self.pg_port}, Redis :{self.redis_port}, fake Twilio :{self.fake_port}")
        self.hsbp("db", "upgrade")
        self.hsbp("demo", "--no-serve")
        say(f"hsbp db upgrade; demo seeded (sender {SENDER}, join code {JOIN_CODE})")
        for index in range(self.web_processes):
            self.start_web(index)
        self.start_nginx()
        for index in range(self.web_processes):
            url = f"http://{HOST}:{self.web_ports[index]}/healthz"
            wait_until(f"gunicorn {index}", lambda url=url: http_ok(url), timeout=60)
        wait_until("nginx", lambda: http_ok(self.public_url + "/healthz", verify=str(self.ca)))
        # The workers last: what they send is reported back through nginx.
        for index in range(self.workers):
            self.start_worker(index)
        say(
            f"{self.web_processes} gunicorn x {self.web_workers} workers behind nginx at "
            f"{self.public_url}, {self.workers} workers"
        )

    def stop(self) -> None:
        # The way in first, the stores last: nothing is left writing to a stopped database.
        order = ["nginx", *[f"web{i}" for i in range(self.web_processes)]]
        order += [f"worker{i}" for i in range(self.workers)]
        order += ["fake-twilio", "redis", "postgres"]
        self.processes.stop_all(order)

    def __enter__(self) -> Layout:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    # -- PostgreSQL ---------------------------------------------------------------------

    @property
    def pg_data(self) -> Path:
        return self.folder / "postgres" / "data"

    @property
    def pg_socket(self) -> Path:
        return self.folder / "postgres" / "socket"

    def init_postgres(self) -> None:
        base = self.folder / "postgres"
        self.pg_socket.mkdir(parents=True)
        if self.run_as:
            for path in (base, self.pg_socket):
                shutil.chown(path, self.run_as, self.run_as)
        made = subprocess.run(
            [
                self.pg_bin / "initdb",
                "-D",
                self.pg_data,
                "-U",
                "postgres",
                "--auth-local=peer" if self.run_as else "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            **as_user(self.run_as),
            cwd=base,
            env={**clean_environment(base), "LC_ALL": "C.UTF-8"},
            check=False,
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{made.stdout}{made.stderr}")

    def start_postgres(self) -> None:
        self.processes.spawn(
            "postgres",
            [
                self.pg_bin / "postgres",
                "-D",
                self.pg_data,
                "-p",
                self.pg_port,
                "-k",
                self.pg_socket,
                "-c",
                f"listen_addresses={HOST}",
                "-c",
                "max_connections=200",
            ],
            env=clean_environment(self.folder / "postgres"),
            user=self.run_as,
            cwd=self.folder / "postgres",
        )
        wait_until("PostgreSQL", self._postgres_ready)
        if not getattr(self, "_role_made", False):
            self.psql(f"CREATE ROLE hsbp LOGIN PASSWORD '{self.db_password}'")
            self.psql("CREATE DATABASE hsbp OWNER hsbp")
            self._role_made = True

    def _postgres_ready(self) -> bool:
        check = [self.pg_bin / "pg_isready", "-q", "-h", HOST, "-p", str(self.pg_port)]
        return subprocess.run(check, check=False).returncode == 0

    def psql(self, sql: str) -> None:
        subprocess.run(
            [
                *(self.pg_bin / "psql", "-h", self.pg_socket, "-p", str(self.pg_port)),
                *("-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql),
            ],
            **as_user(self.run_as),
            cwd=self.folder / "postgres",
            env=clean_environment(self.folder / "postgres"),
            check=True,
            capture_output=True,
        )

    def stop_postgres(self) -> None:
        self.processes.stop("postgres", *STOP_SIGNALS["postgres"])

    # -- Redis, the fake Twilio ---------------------------------------------------------

    def start_redis(self) -> None:
        # Append-only, as deploy/README.md asks of the queue's Redis: a restart keeps the
        # tasks waiting in it.
        self.processes.spawn(
            "redis",
            [
                *("redis-server", "--port", self.redis_port, "--bind", HOST),
                *("--dir", self.folder / "redis", "--appendonly", "yes", "--save", ""),
                *("--daemonize", "no", "--protected-mode", "yes"),
            ],
            env=clean_environment(self.folder / "redis"),
        )
        wait_until("Redis", lambda: redis_ping(self.redis_port))

    def restart_redis(self) -> None:
        self.processes.stop("redis", signal.SIGTERM)
        self.start_redis()

    def start_fake_twilio(self) -> None:
        env = self.hsbp_environment()
        # Its delivery reports go to HSBP_PUBLIC_URL, through nginx and its test certificate.
        env["REQUESTS_CA_BUNDLE"] = str(self.ca)
        self.processes.spawn(
            "fake-twilio",
            [self.bin / "hsbp", "fake-twilio", "--host", HOST, "--port", self.fake_port],
            env=env,
        )
        wait_until("fake Twilio", lambda: http_ok(self.fake_url + "/_fake/messages"))

    def fake_messages(self) -> list[dict]:
        response = client().get(self.fake_url + "/_fake/messages", timeout=10)
        response.raise_for_status()
        return response.json()["messages"]

    def outbox(self) -> str:
        """Outgoing SMS not yet sent, by status, with when the oldest last moved: what a
        failed check prints, so the log says where the replies stopped (ids and times only)."""
        engine = create_engine(self.database_url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT status, count(*), min(updated_at), min(id) FROM sms_outbound"
                        " WHERE status IN ('queued', 'sending') GROUP BY status"
                    )
                ).all()
        finally:
            engine.dispose()
        parts = [
            f"{n} {status} (oldest id {first}, moved {when:%H:%M:%S})"
            for status, n, when, first in rows
        ]
        return ", ".join(parts) or "nothing unsent"

    # -- gunicorn, workers, nginx -------------------------------------------------------

    def start_web(self, index: int) -> None:
        self.processes.spawn(
            f"web{index}",
            [
                *(self.bin / "gunicorn", "--config", DEPLOY / "gunicorn.conf.py"),
                *("--bind", f"{HOST}:{self.web_ports[index]}", "--workers", self.web_workers),
                "hsbp:create_app()",
            ],
            env=self.hsbp_environment(),
        )

    def start_worker(self, index: int) -> None:
        self.processes.spawn(
            f"worker{index}",
            [self.bin / "hsbp", "worker", "--workers", self.worker_threads],
            env=self.hsbp_environment(),
        )

    def kill_worker(self, index: int) -> None:
        self.processes.kill(f"worker{index}")

    def render_nginx(self) -> Path:
        """deploy/nginx/hsbp.conf with this folder's ports, certificate and logs, inside a
        main configuration of its own (the machine's nginx is left alone)."""
        site = (DEPLOY / "nginx" / "hsbp.conf").read_text()
        upstreams = "\n    ".join(f"server {HOST}:{port};" for port in self.web_ports)
        changes = [
            ("server 127.0.0.1:8000;", upstreams),
            ("listen 443 ssl http2;", f"listen {HOST}:{self.https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("listen 80;", f"listen {HOST}:{self.http_port};"),
            ("listen [::]:80;", ""),
            ("server_name hsbp.example.org;", f"server_name {HOST};"),
            ("/etc/letsencrypt/live/hsbp.example.org/fullchain.pem", str(self.certificate)),
            ("/etc/letsencrypt/live/hsbp.example.org/privkey.pem", str(self.key)),
            ("/var/www/html", str(self.folder / "nginx" / "acme")),
            ("/var/log/nginx/", f"{self.processes.logs}/nginx-"),
        ]
        for old, new in changes:
            if old not in site:
                raise RuntimeError(f"deploy/nginx/hsbp.conf no longer contains {old!r}")
            site = site.replace(old, new)
        folder = self.folder / "nginx"
        (folder / "acme").mkdir(parents=True, exist_ok=True)
        (folder / "site.conf").write_text(site)
        temp = folder / "temp"
        temp.mkdir(exist_ok=True)
        user = "user root;" if os.geteuid() == 0 else ""
        main = f"""{user}
worker_processes 2;
daemon off;
pid {folder}/nginx.pid;
error_log {self.processes.logs}/nginx-main.error.log warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""
        (folder / "nginx.conf").write_text(main)
        return folder / "nginx.conf"

    def start_nginx(self) -> None:
        config = self.render_nginx()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        # -e: the log of nginx's start, before it has read where the configuration puts it.
        errors = self.processes.logs / "nginx-main.error.log"
        check = subprocess.run(
            [nginx, "-t", "-q", "-p", config.parent, "-e", errors, "-c", config],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused deploy/nginx/hsbp.conf:\n{check.stderr}")
        self.processes.spawn(
            "nginx",
            [nginx, "-p", config.parent, "-e", errors, "-c", config],
            env=clean_environment(self.folder),
        )
