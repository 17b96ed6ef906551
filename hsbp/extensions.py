"""Unbound extensions: login manager, babel, CSRF, rate limiter and the task queue."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from huey import Huey, RedisHuey
from huey.storage import RedisStorage, SqliteStorage

from hsbp import db

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
        queue.storage = SqliteStorage("hsbp", filename=filename)
    elif scheme in ("redis", "rediss", "unix"):
        queue.storage = RedisStorage("hsbp", url=url)
    else:
        raise ValueError(f"HSBP_QUEUE_URL: unsupported queue {url!r}")


def app_task(**task_options):
    """Declare a background task that runs inside an app context with its own unit of work.

    The task commits when it returns and rolls back when it raises, like a request.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            app = queue_app()
            with app.app_context():
                try:
                    result = func(*args, **kwargs)
                except Exception:
                    db.finish(commit=False)
                    raise
                db.finish(commit=True)
                return result

        return queue.task(name=func.__qualname__, **task_options)(run)

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
