"""What the benchmarks share: a PostgreSQL database made empty, and pages timed with their
SQL statement count. Imported by the scripts beside it (run as `python bench/<name>.py`)."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from hsbp import db
from hsbp.auth.models import User
from hsbp.auth.sessions import start_session


def recreate_postgres_database(url: str, *, create: bool = True) -> None:
    """Drop the database named in `url` and (unless `create` is false) create it empty."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def migrated_app(database_url: str | None):
    """The app on `database_url` (default: SQLite in a new temporary folder), its schema
    migrated (a PostgreSQL database dropped and created empty first), with CSRF off and the
    queue run in-process."""
    from cryptography.fernet import Fernet

    from hsbp import create_app, migrate

    folder = Path(tempfile.mkdtemp(prefix="hsbp-bench-"))
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    if url.startswith("postgresql"):
        recreate_postgres_database(url)
    migrate.upgrade(url)
    return create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "FIELD_KEY": Fernet.generate_key().decode(),
            "DATABASE_URL": url,
            "QUEUE_URL": "immediate",
            "WTF_CSRF_ENABLED": False,
            # The timed user signs in by a session made here, without an authenticator app.
            "TWO_FACTOR_REQUIRED": False,
        }
    )


def time_pages(app, user_id: int, urls: dict[str, str], repeats: int, before_each=None) -> dict:
    """{name: (median ms, SQL statements, bytes)} for each page, fetched `repeats` times as
    the signed-in user `user_id`, after one warm-up request. `before_each()`, when given, runs
    before every timed request, outside the timing (to empty a cache, say)."""
    with app.app_context():
        cookie = start_session(db.session(), user=db.session().get(User, user_id))
        db.finish(commit=True)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = cookie, True
    engine = db.database(app).engine
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    found = {}
    try:
        for name, url in urls.items():
            client.get(url)  # warm caches
            times = []
            for _ in range(repeats):
                if before_each:
                    before_each()
                counter["n"] = 0
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            found[name] = (statistics.median(times) * 1000, counter["n"], len(response.data))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return found


def small_against_large(pages: dict[str, str], build) -> None:
    """The run of a benchmark that compares a partnership of 500 records with a large one
    (`--large`, 50,000 by default) built in the same database: `build(app, size)` returns
    (the signed-in user's id, the values `pages`' URLs are formatted with). Prints each page's
    median time, SQL statements and size, and the ratio of the large to the small; a
    PostgreSQL database is dropped at the end."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--large", type=int, default=50_000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    app = migrated_app(args.database_url)
    url = app.config["DATABASE_URL"]
    started = time.perf_counter()
    built = [build(app, 500), build(app, args.large)]
    print(f"database: {url.split(':')[0]}; median of {args.repeats} requests per page")
    print(f"data built in {time.perf_counter() - started:.0f} s")
    small, large = (
        time_pages(
            app,
            user_id,
            {name: page.format(**values) for name, page in pages.items()},
            args.repeats,
        )
        for user_id, values in built
    )
    header = ("500 ms", "large ms", "ratio", "SQL 500", "SQL large", "KB large")
    print(f"{'page':<16}" + "".join(f"{h:>10}" for h in header))
    for name in pages:
        (t1, q1, _b1), (t2, q2, b2) = small[name], large[name]
        print(f"{name:<16}{t1:>10.1f}{t2:>10.1f}{t2 / t1:>10.1f}{q1:>10}{q2:>10}{b2 / 1024:>10.1f}")
    if url.startswith("postgresql"):
        db.database(app).engine.dispose()
        recreate_postgres_database(url, create=False)
