"""Settings, read from HSBP_* environment variables, with safe defaults for development."""

from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ENVIRONMENTS = ("production", "development", "testing")
# Fixed development credentials, valid only against the fake Twilio (never a real account).
DEV_TWILIO_SID = "AC" + "0" * 31 + "1"
DEV_TWILIO_TOKEN = "hsbp-development-auth-token"  # noqa: S105  (fake Twilio only)


class ConfigError(RuntimeError):
    """The settings cannot run the app safely; the message says which variable to set."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"HSBP_{name}")
    return value if value not in (None, "") else default


def _flag(name: str, *, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.lower() in ("1", "true", "yes")


def _number(kind, name: str, default: str):
    """A number from the environment; a malformed one stops the start with one clear line."""
    value = _env(name, default)
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"HSBP_{name} must be a number, not {value!r}.") from None
    if number < 0:
        raise ConfigError(f"HSBP_{name} must not be negative, not {value!r}.")
    return number


def _kept_secret(instance_path: Path, filename: str, make) -> str:
    """Read a development secret from the instance folder, creating it once.

    Kept on disk so that sessions and encrypted fields survive a restart of the demo. The
    file is created readable by its owner only (0600) from its first byte, in a folder of
    the owner's (0700 when this creates it).
    """
    path = instance_path / filename
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = make()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process (the worker beside the web server) made it first: use theirs.
        for _attempt in range(50):
            kept = path.read_text().strip()
            if kept:
                return kept
            time.sleep(0.01)
        raise ConfigError(f"{path} is empty: delete it to make a new one.") from None
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value


def parse_field_keys(value: str) -> tuple[str, ...]:
    """The Fernet keys HSBP_FIELD_KEY lists, comma-separated, newest first.

    Raises ConfigError naming the position of a key that is empty, malformed or repeated,
    never the key itself (it would reach a log)."""
    keys = [key.strip() for key in str(value).split(",")]
    if not any(keys):
        raise ConfigError(
            "HSBP_FIELD_KEY lists no key: give a Fernet key, or several separated by commas,"
            " newest first (`hsbp keys generate` prints a new one)."
        )
    for position, key in enumerate(keys, start=1):
        where = f"key {position} of {len(keys)}" if len(keys) > 1 else "the value given"
        if not key:
            problem = f"{where} is empty"
        elif key in keys[: position - 1]:
            problem = f"{where} repeats key {keys.index(key) + 1}"
        else:
            try:
                Fernet(key.encode())
                continue
            except (ValueError, TypeError):
                problem = f"{where} is not one"
        raise ConfigError(
            "HSBP_FIELD_KEY must be a Fernet key, or several separated by commas, newest"
            f" first: {problem} (a Fernet key is 32 url-safe base64-encoded bytes;"
            " `hsbp keys generate` prints a new one)."
        )
    return tuple(keys)


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    """One of `allowed` (any case), or ConfigError naming the variable."""
    value = _env(name, default)
    found = next((item for item in allowed if item.lower() == value.lower()), None)
    if found is None:
        raise ConfigError(f"HSBP_{name} must be one of {', '.join(allowed)}, not {value!r}")
    return found


def load_settings(instance_path: str | Path, overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply `overrides` (tests, the demo).

    Production (the default, so a forgotten setting never weakens a live server) refuses to
    start without HSBP_SECRET_KEY and HSBP_FIELD_KEY, and without a mail server unless
    HSBP_MAIL_LOG says e-mails may be written to the log.
    """
    overrides = dict(overrides or {})
    instance = Path(instance_path)
    env = overrides.pop("ENV", None) or _env("ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"HSBP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")

    secret_key = overrides.get("SECRET_KEY") or _env("SECRET_KEY")
    field_key = overrides.get("FIELD_KEY") or _env("FIELD_KEY")
    if env == "production":
        missing = [n for n, v in (("SECRET_KEY", secret_key), ("FIELD_KEY", field_key)) if not v]
        if missing:
            names = " and ".join(f"HSBP_{n}" for n in missing)
            raise ConfigError(f"{names} must be set in production (HSBP_ENV=production).")
    else:
        secret_key = secret_key or _kept_secret(
            instance, "secret_key", lambda: secrets.token_urlsafe(48)
        )
        field_key = field_key or _kept_secret(
            instance, "field_key", lambda: Fernet.generate_key().decode()
        )
    mail_server = overrides.get("MAIL_SERVER") or _env("MAIL_SERVER")
    # Without a mail server e-mails go to the log, invitation and password-reset links
    # included: fine on a development machine, a leak on a live server unless meant.
    mail_log = overrides.get("MAIL_LOG", _flag("MAIL_LOG", default=env != "production"))
    if env == "production" and not mail_server and not mail_log:
        raise ConfigError(
            "HSBP_MAIL_SERVER must be set in production (HSBP_ENV=production), or"
            " HSBP_MAIL_LOG=1 to write e-mails, with their sign-in links, to the log instead."
        )
    field_keys = parse_field_keys(field_key)

    public_url = (
        overrides.get("PUBLIC_URL") or _env("PUBLIC_URL", "http://127.0.0.1:5000")
    ).rstrip("/")
    https = public_url.startswith("https://")
    settings = {
        "HSBP_ENV": env,
        "SECRET_KEY": secret_key,
        "FIELD_KEY": ",".join(field_keys),
        # Newest first: data is written with the first and read with any (hsbp keys rotate).
        "FIELD_KEYS": field_keys,
        "DATABASE_URL": _env("DATABASE_URL", f"sqlite:///{instance / 'hsbp.sqlite3'}"),
        "PUBLIC_URL": public_url,
        "QUEUE_URL": _env("QUEUE_URL", f"sqlite:///{instance / 'queue.sqlite3'}"),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Password-reset requests per client address.
        "LOGIN_RATE_LIMIT": _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Failed sign-ins only (hsbp.auth.throttle). Per address, room for a workshop behind
        # one router where many mistype their password on day one.
        "LOGIN_FAILURES_PER_ACCOUNT": _env("LOGIN_FAILURES_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_FAILURES_PER_ADDRESS": _env("LOGIN_FAILURES_PER_ADDRESS", "100 per 15 minutes"),
        # Site administrators, facilitators and grievance officers (and every member of a
        # partnership that asks it) must set up a second factor before anything else. Off
        # only for the demo, so a visitor can look around without an authenticator app.
        "TWO_FACTOR_REQUIRED": _flag("TWO_FACTOR_REQUIRED", default=True),
        "MAIL_SERVER": mail_server,
        "MAIL_LOG": mail_log,
        "MAIL_PORT": _number(int, "MAIL_PORT", "587"),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", default=True),
        "MAIL_FROM": _env("MAIL_FROM", "hsbp@localhost"),
        "PASSWORD_RESET_MAX_AGE": _number(int, "PASSWORD_RESET_MAX_AGE", "3600"),
        "INVITATION_MAX_AGE": _number(int, "INVITATION_MAX_AGE", str(14 * 24 * 3600)),
        "TWILIO_ACCOUNT_SID": _env(
            "TWILIO_ACCOUNT_SID", DEV_TWILIO_SID if env != "production" else None
        ),
        "TWILIO_AUTH_TOKEN": _env(
            "TWILIO_AUTH_TOKEN", DEV_TWILIO_TOKEN if env != "production" else None
        ),
        # Tests and the demo point the official client at the project's fake Twilio.
        "TWILIO_API_BASE": _env("TWILIO_API_BASE"),
        "SMS_RATE_PER_SECOND": _number(float, "SMS_RATE_PER_SECOND", "10"),
        "SMS_SEND_TIMEOUT": _number(float, "SMS_SEND_TIMEOUT", "10"),
        "SMS_SPOOL_DIR": _env("SMS_SPOOL_DIR", str(instance / "sms-spool")),
        # Make the webhook wait for the disk on every inbound message (see db.QUICK_COMMIT).
        "SMS_DURABLE_INTAKE": _flag("SMS_DURABLE_INTAKE", default=False),
        # Logs (hsbp.logs): JSON lines on a server, readable text on a development machine.
        "LOG_FORMAT": _choice(
            "LOG_FORMAT", ("json", "text"), "json" if env == "production" else "text"
        ),
        "LOG_LEVEL": _choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
        # /metrics (hsbp.ops.metrics) is off unless one of these two is set.
        "METRICS_TOKEN": _env("METRICS_TOKEN"),
        "METRICS_LOCAL_ONLY": _flag("METRICS_LOCAL_ONLY", default=False),
        # /readyz answers 503 when more inbound messages than this wait in the SMS spool.
        "READY_SPOOL_LIMIT": _number(int, "READY_SPOOL_LIMIT", "100"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        # "Keep me signed in" lasts a month, not Flask-Login's year: a lost phone or a shared
        # computer should not open identities of people at risk for longer.
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Evidence files of the checklist: stored here (a shared volume when there are
        # several web machines), never under the static folder.
        "ACTION_UPLOAD_DIR": _env("ACTION_UPLOAD_DIR", str(instance / "uploads" / "actions")),
        "ACTION_UPLOAD_MAX_BYTES": _number(int, "ACTION_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)),
        "TESTING": env == "testing",
    }
    settings.update(overrides)
    return settings
