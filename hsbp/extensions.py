"""Unbound extensions: login manager, babel, CSRF, rate limiter and the task queue."""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import signal
import sqlite3
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from huey import Huey, RedisHuey
from huey.exceptions import RetryTask
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import exc as db_errors

from hsbp import db
from hsbp.config import ConfigError

login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Tasks are declared against this one instance at import time; init_app points it at the
# storage named by HSBP_QUEUE_URL (SQLite for one machine, Redis when scaled out).
# No result store: tasks report through the rows they change, and storing each return
# value would cost the queue one more write per message.
queue: Huey = RedisHuey("hsbp", immediate=True, results=False)


# Worker threads. An idle consumer polls an SQLite queue at least every half second (huey's
# default backs off to 10 s), so an SMS reply never waits long; Redis queues block instead.
CONSUMER_OPTIONS = {"worker_type": "thread", "max_delay": 0.5}


def configure_queue(url: str) -> None:
    """Point the task queue at `url`: `immediate` (tests), `sqlite:///file` or `redis://...`."""
    if url == "immediate":
        queue.immediate = True
        return
    scheme = urlsplit(url).scheme
    queue.immediate = False
    if scheme == "sqlite":
        filename = url.removeprefix("sqlite:///")
        # The queue holds task arguments (message ids, never texts), private all the same.
        db.private_sqlite_file(filename)
        try:
            queue.storage = SqliteStorage("hsbp", filename=filename)
        except sqlite3.Error as error:  # opened at once, unlike Redis: say which file
            raise ConfigError(
                f"HSBP_QUEUE_URL: cannot open the queue file {filename} ({error}); "
                "create its folder or point HSBP_QUEUE_URL at Redis."
            ) from None
    elif scheme in ("redis", "rediss", "unix"):
        queue.storage = RedisStorage("hsbp", url=url)
    else:
        raise ConfigError(
            "HSBP_QUEUE_URL must be immediate, sqlite:///<file> or redis://<host>:<port>/<db>,"
            f" not {url!r}."
        )


def start_consumer(*, workers: int, periodic: bool = True):
    """Run the queue's consumer in threads of this process (the demo, tests). huey installs
    its own SIGINT and SIGTERM handlers; the process's own (a web server's Ctrl-C) are put
    back."""
    consumer = queue.create_consumer(workers=workers, periodic=periodic, **CONSUMER_OPTIONS)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    consumer.start()
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    return consumer


class Outage:
    """How long something this process needs (the database, Twilio) has been failing: the
    retries of its tasks wait longer the longer it lasts, `first` to `cap` seconds, so a
    long outage is not hammered and a short one costs seconds. The cap bounds how long
    work waits once it is over."""

    def __init__(self, first: float = 1.0, cap: float = 30.0):
        self.first, self.cap = first, cap
        self._since: float | None = None
        self._lock = threading.Lock()

    def failed(self) -> float:
        """Note a failure; returns the seconds to wait before the next try."""
        with self._lock:
            now = time.monotonic()
            if self._since is None:
                self._since = now
            lasted = now - self._since
        # Jitter: the tasks of one outage must not all come back in the same instant.
        return min(self.cap, max(self.first, lasted / 2)) * random.uniform(0.75, 1.0)

    def ended(self) -> None:
        self._since = None


DATABASE_OUTAGE = Outage()
log = logging.getLogger("hsbp.queue")


def is_transient_database_error(error: BaseException) -> bool:
    """A database that is down, restarting or out of reach, or a connection it dropped:
    worth another try, unlike a bug (a broken constraint, a wrong query)."""
    if isinstance(error, db_errors.DBAPIError) and error.connection_invalidated:
        return True
    transient = (db_errors.OperationalError, db_errors.InterfaceError, db_errors.TimeoutError)
    return isinstance(error, transient)


def app_task(**task_options):
    """Declare a background task that runs inside an app context with its own unit of work.

    The task commits when it returns and rolls back when it raises, like a request. Run by
    the queue, a task that meets an unavailable database is handed back to the queue to run
    again after a pause (see Outage), however often, never dropped: its work is only done
    once it commits. Called directly (`call_local`), it raises, and the caller decides.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(*args, task=None, **kwargs):
            app = queue_app()
            with app.app_context():
                try:
                    result = func(*args, **kwargs)
                    db.finish(commit=True)
                except Exception as error:
                    # A dead connection may fail its rollback too; it is discarded either way.
                    with contextlib.suppress(db_errors.SQLAlchemyError):
                        db.finish(commit=False)
                    if task is None or not is_transient_database_error(error):
                        raise
                    delay = DATABASE_OUTAGE.failed()
                    log.warning(
                        "task %s: database unavailable (%s), again in %.1f s",
                        task.name,
                        type(getattr(error, "orig", None) or error).__name__,
                        delay,
                    )
                    raise RetryTask(delay=delay) from error
            if task is not None:
                DATABASE_OUTAGE.ended()
            return result

        return queue.task(name=func.__qualname__, context=True, **task_options)(run)

    return decorator


_queue_app: dict[str, Flask] = {}


def queue_app() -> Flask:
    """The app whose context tasks run in: the current app if any, else the one that set up
    the queue (a worker process, or the demo's in-process consumer)."""
    try:
        return current_app._get_current_object()
    except RuntimeError:
        return _queue_app["app"]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    configure_queue(app.config["QUEUE_URL"])
    _queue_app["app"] = app
