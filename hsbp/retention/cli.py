"""`hsbp retention run`: apply the schedules now, or say what they would remove."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from hsbp import db
from hsbp.partnerships.models import Partnership


@click.group("retention")
def retention_group() -> None:
    """Apply the partnerships' retention schedules."""


def _counts(removed: dict) -> str:
    return ", ".join(f"{rule} {count}" for rule, count in removed.items())


@retention_group.command("run")
@click.option("--partnership", "partnership_id", type=int, help="Only this partnership (its id).")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
@with_appcontext
def run_command(partnership_id: int | None, dry_run: bool) -> None:
    """Apply every partnership's schedule now, as the nightly task does."""
    from hsbp.retention import services  # the features' models, only when the command runs

    session = db.session()
    ids = list(session.scalars(select(Partnership.id).order_by(Partnership.id)))
    if partnership_id is not None:
        if partnership_id not in ids:
            raise click.ClickException(f"No partnership {partnership_id}.")
        ids = [partnership_id]
    if dry_run:
        for pid in ids:
            due = services.due_now(session, partnership_id=pid)
            click.echo(f"Partnership {pid}: would remove {_counts(due)}.")
        db.finish(commit=False)
        return
    runs = services.run_all(session, partnership_ids=ids)
    for run in runs:
        click.echo(f"Partnership {run.partnership_id}: removed {_counts(run.removed)}.")
    db.finish(commit=True)
    if len(runs) < len(ids):
        raise click.ClickException("Some partnerships' runs failed; see the log.")
