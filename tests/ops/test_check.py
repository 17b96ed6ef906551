"""`hsbp check`: one line per check, exit 1 on any failure, never a traceback."""

import base64
import datetime
import ipaddress
import os
import socket
import socketserver
import ssl
import threading

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hsbp.cli import main
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.extensions import configure_queue
from hsbp.fake_twilio import FakeTwilio
from hsbp.migrate import alembic_config
from tests.conftest import FIELD_KEY
from tests.redis_dbs import redis_url

SECRET = "s" * 48
MAIL_USER, MAIL_PASSWORD = "hsbp-mailer", "mail-password-0123"
REDIS = redis_url(2)


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for a check: EHLO, STARTTLS (when the server has a certificate),
    AUTH PLAIN against one account, QUIT."""

    def reply(self, *lines: str) -> None:
        for index, line in enumerate(lines):
            separator = " " if index == len(lines) - 1 else "-"
            self.wfile.write(f"{line[:3]}{separator}{line[4:]}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        server, secured = self.server, False
        self.reply("220 test ready")
        while line := self.rfile.readline().decode().strip():
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                offers = ["250 test"]
                if server.context is not None and not secured:
                    offers.append("250 STARTTLS")
                self.reply(*offers, "250 AUTH PLAIN")
            elif verb == "STARTTLS":
                self.reply("220 go ahead")
                try:
                    wrapped = server.context.wrap_socket(self.connection, server_side=True)
                except ssl.SSLError:  # the client did not trust the certificate: it hangs up
                    return
                self.rfile, self.wfile = wrapped.makefile("rb"), wrapped.makefile("wb")
                secured = True
            elif verb == "AUTH":
                given = base64.b64decode(line.split(" ")[2]).decode()
                right = given == f"\0{MAIL_USER}\0{MAIL_PASSWORD}"
                self.reply("235 welcome" if right else "535 refused")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    """Start a tiny SMTP server: `smtp(tls=True)` offers STARTTLS with a certificate for
    127.0.0.1 that this test's trust store (SSL_CERT_FILE) accepts. Returns its port."""
    servers = []

    def start(*, tls: bool) -> int:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
        server.daemon_threads = True
        server.context = None
        if tls:
            cert, key = self_signed(tmp_path)
            server.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server.context.load_cert_chain(cert, key)
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def self_signed(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def fake():
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN) as running:
        yield running


@pytest.fixture
def production(database_url, tmp_path, monkeypatch, fake, smtp, app):
    """A production environment every check passes (Redis for the queue and rate limits):
    `production(**changes)` sets it, with changes (None unsets a variable)."""
    if not redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    port = smtp(tls=True)
    for name in list(os.environ):
        if name.startswith("HSBP_"):
            monkeypatch.delenv(name)
    base = {
        "ENV": "production",
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": SECRET,
        # Two keys, newest first, as during a rotation.
        "FIELD_KEY": f"{Fernet.generate_key().decode()},{FIELD_KEY}",
        "PUBLIC_URL": "https://hsbp.example.org",
        "DATABASE_URL": database_url,
        "QUEUE_URL": REDIS,
        "RATELIMIT_STORAGE_URL": REDIS,
        "TWILIO_ACCOUNT_SID": DEV_TWILIO_SID,
        "TWILIO_AUTH_TOKEN": DEV_TWILIO_TOKEN,
        "TWILIO_API_BASE": fake.url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_USERNAME": MAIL_USER,
        "MAIL_PASSWORD": MAIL_PASSWORD,
        "SMS_SPOOL_DIR": str(tmp_path / "spool"),
    }

    def set_up(**changes):
        for name, value in {**base, **changes}.items():
            if value is None:
                monkeypatch.delenv(f"HSBP_{name}", raising=False)
            else:
                monkeypatch.setenv(f"HSBP_{name}", value)
        return base

    yield set_up
    configure_queue(app.config["QUEUE_URL"])  # the check pointed the queue at Redis


def check() -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check"])
    return result.exit_code, result.output.splitlines()


def head(url: str) -> str:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def test_check_passes_a_production_configuration(production, fake):
    settings = production()
    assert check() == (
        0,
        [
            "ok   HSBP_ENV is production",
            "ok   HSBP_SECRET_KEY",
            "ok   HSBP_FIELD_KEY (2 keys)",
            "ok   HSBP_PUBLIC_URL is https",
            f"ok   database reachable, schema at head ({head(settings['DATABASE_URL'])})",
            "ok   queue reachable (redis)",
            "ok   rate-limit storage reachable (redis)",
            f"ok   Twilio credentials answer at {fake.url}",
            f"ok   mail server 127.0.0.1:{settings['MAIL_PORT']} answers (STARTTLS, login)",
            f"ok   SMS spool folder {settings['SMS_SPOOL_DIR']} writable",
            "ok   second factor required of those who see identities",
        ],
    )


def test_a_setting_the_app_refuses_is_one_line_and_exit_1(production):
    production(SECRET_KEY=None, FIELD_KEY=None)
    assert check() == (
        1,
        [
            "FAIL configuration: HSBP_SECRET_KEY and HSBP_FIELD_KEY must be set in production"
            " (HSBP_ENV=production)."
        ],
    )
    production(FIELD_KEY=f"{FIELD_KEY},not-a-key")
    code, lines = check()
    assert (code, len(lines)) == (1, 1)
    assert lines[0].startswith("FAIL configuration: HSBP_FIELD_KEY must be a Fernet key")
    production(LOG_FORMAT="xml")
    assert check() == (
        1,
        ["FAIL configuration: HSBP_LOG_FORMAT must be one of json, text, not 'xml'"],
    )


def test_check_names_each_bad_value_and_what_to_set(production, tmp_path, fake):
    (tmp_path / "a-file").write_text("")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nobody = closed.getsockname()[1]
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    production(
        SECRET_KEY="short-secret",
        PUBLIC_URL="http://hsbp.example.org",
        DATABASE_URL=empty,
        QUEUE_URL="redis://127.0.0.1:1/5",
        RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/5",
        TWILIO_AUTH_TOKEN="a-wrong-token-0123",
        MAIL_PORT=str(nobody),
        SMS_SPOOL_DIR=str(tmp_path / "a-file" / "spool"),
        TWO_FACTOR_REQUIRED="0",
    )
    code, lines = check()
    pending = len(list(ScriptDirectory.from_config(alembic_config(empty)).walk_revisions()))
    assert code == 1
    assert lines[:4] == [
        "ok   HSBP_ENV is production",
        "FAIL HSBP_SECRET_KEY: shorter than 32 characters: python -c 'import secrets;"
        " print(secrets.token_urlsafe(48))' makes one",
        "ok   HSBP_FIELD_KEY (2 keys)",
        "FAIL HSBP_PUBLIC_URL is https: it is http://hsbp.example.org: set the https:// address"
        " people and Twilio reach (secure cookies, HSTS and webhook signatures depend on it)",
    ]
    assert lines[4] == f"FAIL database: empty, {pending} revisions pending: run `hsbp db upgrade`"
    assert lines[5].startswith("FAIL queue: cannot reach it (ConnectionError: ")
    assert lines[5].endswith("): check HSBP_QUEUE_URL")
    assert lines[6] == "FAIL rate-limit storage: cannot reach it: check HSBP_RATELIMIT_STORAGE_URL"
    assert lines[7] == (
        "FAIL Twilio: Twilio answered 401 (error 20003): check HSBP_TWILIO_ACCOUNT_SID and"
        " HSBP_TWILIO_AUTH_TOKEN"
    )
    assert lines[8].startswith(f"FAIL mail server 127.0.0.1:{nobody}: no answer (")
    assert lines[8].endswith("): check HSBP_MAIL_SERVER and HSBP_MAIL_PORT")
    assert lines[9].startswith(f"FAIL SMS spool folder {tmp_path}/a-file/spool writable: it is")
    assert lines[10] == (
        "FAIL second factor required of those who see identities: HSBP_TWO_FACTOR_REQUIRED is"
        " off: site administrators, facilitators and grievance officers sign in with a password"
        " alone; unset it or set it to 1"
    )
    assert len(lines) == 11
    assert "a-wrong-token-0123" not in "\n".join(lines)


def test_check_of_twilio_wants_an_active_account(production, fake):
    production()
    fake.state.account_status = "suspended"
    code, lines = check()
    assert (code, lines[7]) == (
        1,
        "FAIL Twilio: the account is suspended: sending needs an active account",
    )
    production(TWILIO_ACCOUNT_SID=None, TWILIO_AUTH_TOKEN=None)
    assert check()[1][7] == ("FAIL Twilio: set HSBP_TWILIO_ACCOUNT_SID and HSBP_TWILIO_AUTH_TOKEN")


def test_check_of_mail_logs_in_and_wants_starttls_when_told(production, smtp):
    settings = production(MAIL_PASSWORD="a-wrong-password")
    where = f"mail server 127.0.0.1:{settings['MAIL_PORT']}"
    assert check()[1][8] == (
        f"FAIL {where}: login refused: check HSBP_MAIL_USERNAME and HSBP_MAIL_PASSWORD"
    )
    plain = smtp(tls=False)
    production(MAIL_PORT=str(plain))
    assert check()[1][8] == (
        f"FAIL mail server 127.0.0.1:{plain}: it offers no STARTTLS: use a server that does,"
        " or set HSBP_MAIL_USE_TLS=false on a network you trust"
    )
    production(MAIL_PORT=str(plain), MAIL_USE_TLS="false", MAIL_USERNAME=None)
    code, lines = check()
    assert (code, lines[8]) == (0, f"ok   mail server 127.0.0.1:{plain} answers")
    production(MAIL_SERVER=None, MAIL_LOG="1")
    code, lines = check()
    assert (code, lines[8]) == (
        1,
        "FAIL mail: no HSBP_MAIL_SERVER: set it (and HSBP_MAIL_PORT, HSBP_MAIL_USERNAME,"
        " HSBP_MAIL_PASSWORD); HSBP_MAIL_LOG=1 writes e-mails, sign-in links included, to"
        " the log instead, and only with HSBP_LOG_FORMAT=text",
    )


def test_check_of_mail_wants_a_certificate_that_verifies(production, smtp, monkeypatch):
    settings = production()
    monkeypatch.setenv("SSL_CERT_FILE", os.devnull)  # trusts nothing
    code, lines = check()
    assert code == 1
    assert lines[8].startswith(
        f"FAIL mail server 127.0.0.1:{settings['MAIL_PORT']}: TLS failed (SSLCertVerificationError"
    )
    assert lines[8].endswith("): the server's certificate must verify")
