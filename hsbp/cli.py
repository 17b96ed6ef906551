"""The `hsbp` command: run, db, user, demo and worker."""

from __future__ import annotations

import contextlib
import os

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from hsbp import create_app, db, migrate
from hsbp.config import ConfigError
from hsbp.ops.backup_cli import backup_command, restore_command
from hsbp.ops.check import check_command
from hsbp.ops.health import start_refusals
from hsbp.ops.keys import keys_group
from hsbp.retention.cli import retention_group


def _app_from_environment():
    """create_app for commands: a settings problem is one clear line, not a traceback."""
    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


@click.group(cls=FlaskGroup, create_app=_app_from_environment)
def main() -> None:
    """Run and manage hsbp."""


@main.group("db")
def db_group() -> None:
    """Upgrade or downgrade the database schema."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the latest)."""
    config = current_app.config
    with _one_line_refusals():
        migrate.upgrade(config["DATABASE_URL"], revision, field_key=config["FIELD_KEY"])
    click.echo(f"Database upgraded to {revision}.")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step back; `base` empties it)."""
    config = current_app.config
    with _one_line_refusals():
        migrate.downgrade(config["DATABASE_URL"], revision, field_key=config["FIELD_KEY"])
    click.echo(f"Database downgraded to {revision}.")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Say the schema's revision: at head, behind (how many revisions pending) or newer."""
    with _one_line_refusals():
        state = migrate.schema_state(current_app.config["DATABASE_URL"])
        if state.newer:
            raise migrate.NewerDatabase(state.revision, state.head)
    where = f"at revision {state.revision}" if state.revision else "empty (no revision yet)"
    if state.at_head:
        click.echo(f"The database is {where}, the latest of this hsbp.")
        return
    plural = "s" if state.pending != 1 else ""
    click.echo(
        f"The database is {where}, behind this hsbp (head {state.head}):"
        f" {state.pending} revision{plural} pending; run `hsbp db upgrade`."
    )


@contextlib.contextmanager
def _one_line_refusals():
    """A database newer than the code, or out of reach, is one clear line and exit 1."""
    try:
        yield
    except (migrate.NewerDatabase, migrate.DatabaseUnreachable) as error:
        raise click.ClickException(str(error)) from error


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
@with_appcontext
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration (review it by hand before committing)."""
    from alembic import command

    config = migrate.alembic_config(current_app.config["DATABASE_URL"])
    command.revision(config, message=message, autogenerate=autogenerate)


@db_group.command("scrub-audit")
@with_appcontext
def db_scrub_audit() -> None:
    """Remove from the audit log the names of participants written before they were
    protected. Run once after upgrading past 0015; safe to run again."""
    from hsbp.mapping.history import forget_protected

    count = forget_protected(db.session())
    db.finish(commit=True)
    click.echo(f"{count} audit entries scrubbed.")


@main.group("user")
def user_group() -> None:
    """Manage user accounts."""


@user_group.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin/--no-admin", default=False, help="Make the user a site administrator.")
@click.option("--locale", default=None, help="Interface language: en, es, fr, bs, ar or sw.")
@with_appcontext
def user_create(email: str, name: str, password: str, admin: bool, locale: str | None) -> None:
    """Create a user account."""
    from hsbp.auth.services import create_user
    from hsbp.errors import ServiceError

    try:
        user = create_user(
            db.session(),
            email=email,
            name=name,
            password=password,
            locale=locale,
            is_site_admin=admin,
        )
    except ServiceError as error:
        db.finish(commit=False)
        raise click.ClickException(str(error.message)) from error
    db.finish(commit=True)
    click.echo(f"Created {user.email}{' (site administrator)' if admin else ''}.")


@main.command("worker", with_appcontext=False)
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@click.option(
    "--routers",
    default=2,
    show_default=True,
    type=click.IntRange(0, 32),
    help="SMS router threads (0: none; another worker on this host must then drain its spool).",
)
def worker(workers: int, routers: int) -> None:
    """Run background tasks (e-mail, SMS) from the queue at HSBP_QUEUE_URL, and route the SMS
    the webhook stored. Any number of workers may run at once, here and on other machines:
    their routers share the messages, each person's in order."""
    from hsbp.extensions import CONSUMER_OPTIONS, queue
    from hsbp.sms.inbound import start_routers

    app = _app_from_environment()  # its logs as HSBP_LOG_FORMAT says (hsbp.logs)
    # Out of reach at the start: one line and exit 1, for the service manager to retry.
    refusals = start_refusals(app)
    if refusals:
        raise click.ClickException("the worker cannot start: " + "; ".join(refusals) + ".")
    start_routers(app, routers)  # daemon threads
    from hsbp.sms.sweeper import OutboundSweeper  # outgoing SMS a fault left behind, every 10 s

    OutboundSweeper(app).start()  # a daemon thread: it runs while the queue is out of reach
    queue.create_consumer(workers=workers, **CONSUMER_OPTIONS).run()


@main.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--reset", is_flag=True, help="Empty the demo database and seed it again.")
@click.option("--no-serve", is_flag=True, help="Prepare the database and stop (for scripts).")
def demo(host: str, port: int, reset: bool, no_serve: bool) -> None:
    """Migrate, seed a realistic partnership if the database is empty, and serve it."""
    from hsbp.demo import DEMO_LOGINS, seed_if_empty

    os.environ.setdefault("HSBP_ENV", "development")
    overrides = {"PUBLIC_URL": os.environ.get("HSBP_PUBLIC_URL", f"http://{host}:{port}")}
    if not os.environ.get("HSBP_TWO_FACTOR_REQUIRED"):
        # A visitor tries the demo without an authenticator app: the second factor is
        # offered, not required (HSBP_TWO_FACTOR_REQUIRED=1 shows enrolment on first sign-in).
        overrides["TWO_FACTOR_REQUIRED"] = False
    fake = None
    if not os.environ.get("HSBP_TWILIO_API_BASE") and not no_serve:
        # SMS in the demo goes to the project's own fake Twilio, in this process.
        from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
        from hsbp.fake_twilio import FakeTwilio

        fake = FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=1.0).start()
        overrides["TWILIO_API_BASE"] = fake.url
    app = create_app(overrides)
    url = app.config["DATABASE_URL"]
    key = app.config["FIELD_KEY"]
    if reset:
        migrate.downgrade(url, "base", field_key=key)
    migrate.upgrade(url, field_key=key)
    with app.app_context():
        seeded = seed_if_empty(db.session())
        db.finish(commit=True)
    click.echo("Demo partnership seeded." if seeded else "Demo database already holds data.")
    click.echo(f"\nhsbp demo at http://{host}:{port}/ - sign in as:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<26} {email:<34} password: {password}")
    click.echo("Password-reset and invitation e-mails are written to this log.")
    if fake is not None:
        click.echo(f"SMS go to the fake Twilio at {fake.url} (join code DEMO, +15005550006).")
    click.echo("")
    if no_serve:
        return
    consumer, sms_router = _start_inprocess_worker(app)
    try:
        # run_simple, not app.run: Flask ignores app.run() inside its own CLI.
        run_simple(host, port, app, threaded=True)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
            sms_router.stop()
        if fake is not None:
            fake.stop()


@main.command("fake-twilio", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5099, show_default=True, type=int)
def fake_twilio(host: str, port: int) -> None:
    """Serve the fake Twilio (for tests and training) with the development credentials.

    Point the app at it with HSBP_TWILIO_API_BASE=http://HOST:PORT.
    """
    from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
    from hsbp.fake_twilio import run

    run(host, port, DEV_TWILIO_SID, DEV_TWILIO_TOKEN)


main.add_command(keys_group)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(check_command)
main.add_command(retention_group)


def _start_inprocess_worker(app):
    """Run the queue's consumer and the SMS router in threads of this process, so the demo
    needs no worker."""
    from hsbp.extensions import queue, start_consumer
    from hsbp.sms.inbound import Router

    if queue.immediate:
        return None, None
    consumer = start_consumer(workers=2)
    sms_router = Router(app)
    sms_router.start()
    return consumer, sms_router
