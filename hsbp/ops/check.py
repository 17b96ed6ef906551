"""`hsbp check`: is this configuration fit for production? One line per check, `ok   <what>`
or `FAIL <what>: <why, and what to set>`, and exit 1 if any failed."""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import ssl
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click
import requests
from flask import Flask
from twilio.base.exceptions import TwilioRestException

from hsbp import logs, migrate
from hsbp.config import ConfigError

MAIL_TIMEOUT = 5.0  # seconds: a mail server that takes longer is reported, not waited for
NETWORK_TIMEOUT = 5.0
SECRET_KEY_LENGTH = 32

# (what, problem): problem None when the check passed.
Outcome = tuple[str, str | None]


@click.command("check")
def check_command() -> None:
    """Check that this configuration can run in production: keys, address, database,
    queue, rate limits, Twilio, mail, the SMS spool and the second factor. Exit 1 if
    anything fails."""
    from hsbp import create_app

    try:
        app = create_app()
    except (ConfigError, ValueError) as error:
        # A setting the app refuses to start with: one line, never a traceback.
        click.echo(f"FAIL configuration: {error}")
        raise SystemExit(1) from None
    # Only the lines below on the terminal: not the migration library's notes on stderr.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    failed = False
    for check in CHECKS:
        what, problem = _run(check, app)
        failed = failed or problem is not None
        click.echo(f"ok   {what}" if problem is None else f"FAIL {what}: {problem}")
    raise SystemExit(1 if failed else 0)


def _run(check: Callable[[Flask], Outcome], app: Flask) -> Outcome:
    try:
        return check(app)
    except Exception as error:  # a check that breaks is a failed check, never a traceback
        name = check.__name__.removeprefix("check_").replace("_", " ")
        return name, f"the check itself failed ({_reason(app, error)})"


def _reason(app: Flask, error: BaseException) -> str:
    """An error's first line, short, with any secret of the settings cut out."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = text[0][:200] if text else ""
    redact = logs.Redactor(logs.config_secrets(app.config))
    return redact(f"{type(error).__name__}: {first}" if first else type(error).__name__)


def check_environment(app: Flask) -> Outcome:
    env = app.config["HSBP_ENV"]
    what = "HSBP_ENV is production"
    if env == "production":
        return what, None
    return what, f"it is {env}: unset HSBP_ENV or set it to production"


def check_secret_key(app: Flask) -> Outcome:
    what = "HSBP_SECRET_KEY"
    value = os.environ.get("HSBP_SECRET_KEY", "")
    make = "python -c 'import secrets; print(secrets.token_urlsafe(48))' makes one"
    if not value:
        return what, f"not set, a development key from the instance folder is in use: {make}"
    if len(value) < SECRET_KEY_LENGTH:
        return what, f"shorter than {SECRET_KEY_LENGTH} characters: {make}"
    return what, None


def check_field_key(app: Flask) -> Outcome:
    # Its form (Fernet keys, comma-separated, newest first) was checked as the app loaded.
    count = len(app.config["FIELD_KEYS"])
    what = f"HSBP_FIELD_KEY ({count} key{'s' if count != 1 else ''})"
    if not os.environ.get("HSBP_FIELD_KEY"):
        return what, (
            "not set, a development key from the instance folder is in use: set it to a"
            " Fernet key (`hsbp keys generate` prints one) and keep a copy of it apart"
        )
    return what, None


def check_public_url(app: Flask) -> Outcome:
    url = app.config["PUBLIC_URL"]
    parts = urlsplit(url)
    what = "HSBP_PUBLIC_URL is https"
    if parts.scheme == "https" and parts.hostname:
        return what, None
    return what, (
        f"it is {url}: set the https:// address people and Twilio reach (secure cookies,"
        " HSTS and webhook signatures depend on it)"
    )


def check_database(app: Flask) -> Outcome:
    try:
        state = migrate.schema_state(app.config["DATABASE_URL"])
    except migrate.DatabaseUnreachable as error:
        return "database", f"{_reason(app, error)}: check HSBP_DATABASE_URL"
    if state.newer:
        return "database", (
            f"at revision {state.revision}, newer than this hsbp (head {state.head}):"
            " install the newer hsbp"
        )
    if state.pending:
        where = f"at revision {state.revision}" if state.revision else "empty"
        plural = "s" if state.pending != 1 else ""
        return "database", (
            f"{where}, {state.pending} revision{plural} pending: run `hsbp db upgrade`"
        )
    return f"database reachable, schema at head ({state.head})", None


def check_queue(app: Flask) -> Outcome:
    from hsbp.extensions import queue

    url = app.config["QUEUE_URL"]
    scheme = urlsplit(url).scheme
    if url == "immediate":
        return "queue", (
            "HSBP_QUEUE_URL=immediate runs tasks inside web requests (tests only): set"
            " redis://host:6379/0, or sqlite:///file on a single machine"
        )
    try:
        if scheme in ("redis", "rediss", "unix"):
            _redis_ping(url)
        else:
            queue.pending_count()
    except Exception as error:
        return "queue", f"cannot reach it ({_reason(app, error)}): check HSBP_QUEUE_URL"
    return f"queue reachable ({scheme})", None


def check_rate_limits(app: Flask) -> Outcome:
    from limits.storage import storage_from_string

    uri = app.config["RATELIMIT_STORAGE_URI"]
    scheme = urlsplit(uri).scheme
    if scheme == "memory":
        return "rate limits kept in memory (each web process counts alone)", None
    options = {}
    if scheme.startswith("redis"):
        options = {"socket_connect_timeout": NETWORK_TIMEOUT, "socket_timeout": NETWORK_TIMEOUT}
    try:
        reachable = storage_from_string(uri, **options).check()
    except Exception:
        reachable = False
    if not reachable:
        return "rate-limit storage", "cannot reach it: check HSBP_RATELIMIT_STORAGE_URL"
    return f"rate-limit storage reachable ({scheme})", None


def check_twilio(app: Flask) -> Outcome:
    from hsbp.sms.transport import client

    sid, token = app.config.get("TWILIO_ACCOUNT_SID"), app.config.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        return "Twilio", "set HSBP_TWILIO_ACCOUNT_SID and HSBP_TWILIO_AUTH_TOKEN"
    base = app.config.get("TWILIO_API_BASE")
    try:
        account = client(app).api.v2010.accounts(sid).fetch()
    except TwilioRestException as error:
        return "Twilio", (
            f"Twilio answered {error.status} (error {error.code}): check"
            " HSBP_TWILIO_ACCOUNT_SID and HSBP_TWILIO_AUTH_TOKEN"
        )
    except requests.RequestException as error:
        where = "HSBP_TWILIO_API_BASE" if base else "the network to api.twilio.com"
        return "Twilio", f"cannot reach it ({type(error).__name__}): check {where}"
    if account.status != "active":
        return "Twilio", f"the account is {account.status}: sending needs an active account"
    return "Twilio credentials answer" + (f" at {base}" if base else ""), None


def check_mail(app: Flask) -> Outcome:
    config = app.config
    host, port = config.get("MAIL_SERVER"), config["MAIL_PORT"]
    if not host:
        return "mail", (
            "no HSBP_MAIL_SERVER: set it (and HSBP_MAIL_PORT, HSBP_MAIL_USERNAME,"
            " HSBP_MAIL_PASSWORD); HSBP_MAIL_LOG=1 writes e-mails, sign-in links included,"
            " to the log instead, and only with HSBP_LOG_FORMAT=text"
        )
    what = f"mail server {host}:{port}"
    done = []
    try:
        with smtplib.SMTP(host, port, timeout=MAIL_TIMEOUT) as smtp:
            smtp.ehlo()
            if config["MAIL_USE_TLS"]:
                if not smtp.has_extn("starttls"):
                    return what, (
                        "it offers no STARTTLS: use a server that does, or set"
                        " HSBP_MAIL_USE_TLS=false on a network you trust"
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
                done.append("STARTTLS")
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
                done.append("login")
    except smtplib.SMTPAuthenticationError:
        return what, "login refused: check HSBP_MAIL_USERNAME and HSBP_MAIL_PASSWORD"
    except smtplib.SMTPNotSupportedError:
        return what, "it offers no login: unset HSBP_MAIL_USERNAME, or use its submission port"
    except ssl.SSLError as error:
        return what, f"TLS failed ({_reason(app, error)}): the server's certificate must verify"
    except (OSError, smtplib.SMTPException) as error:
        return what, f"no answer ({_reason(app, error)}): check HSBP_MAIL_SERVER and HSBP_MAIL_PORT"
    return what + (f" answers ({', '.join(done)})" if done else " answers"), None


def check_spool(app: Flask) -> Outcome:
    folder = Path(app.config["SMS_SPOOL_DIR"])
    what = f"SMS spool folder {folder} writable"
    probe = folder / f".check-{os.getpid()}.tmp"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(b"check")
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        return what, (
            f"it is not ({_reason(app, error)}): set HSBP_SMS_SPOOL_DIR to a folder of the"
            " app's user on this host"
        )
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return what, None


def check_two_factor(app: Flask) -> Outcome:
    what = "second factor required of those who see identities"
    if app.config.get("TWO_FACTOR_REQUIRED", True):
        return what, None
    return what, (
        "HSBP_TWO_FACTOR_REQUIRED is off: site administrators, facilitators and grievance"
        " officers sign in with a password alone; unset it or set it to 1"
    )


def _redis_ping(url: str) -> None:
    import redis

    connection = redis.Redis.from_url(
        url, socket_connect_timeout=NETWORK_TIMEOUT, socket_timeout=NETWORK_TIMEOUT
    )
    try:
        connection.ping()
    finally:
        connection.close()


CHECKS: tuple[Callable[[Flask], Outcome], ...] = (
    check_environment,
    check_secret_key,
    check_field_key,
    check_public_url,
    check_database,
    check_queue,
    check_rate_limits,
    check_twilio,
    check_mail,
    check_spool,
    check_two_factor,
)
