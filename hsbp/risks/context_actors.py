"""Key actors of the context assessment who are mapped participants: read by the name
everyone may see (the display name, a protected person's pseudonym) and picked by the labels
of hsbp.mapping.picking. Only the id, display and sort names are ever selected, so no
protected name is decrypted for the context's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant
from hsbp.mapping.picking import NUMBERED
from hsbp.risks import context_content as doc


def actor_names(
    session: Session, *, partnership_id: int, contents: list[dict | None]
) -> dict[int, str]:
    """{participant id: the name everyone may see} for the key actors of `contents`, in one
    query: the display name, which is a protected person's pseudonym. Only that column is
    read, so no protected name is ever decrypted for a context page."""
    ids = set().union(*(doc.participant_ids(c) for c in contents)) if contents else set()
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Participant.id, Participant.display_name).where(
                Participant.partnership_id == partnership_id, Participant.id.in_(ids)
            )
        ).all()
    )


def participant_labels_for(
    session: Session, *, partnership_id: int, ids: set[int]
) -> dict[int, str]:
    """{participant id: the label the editor's picker uses}: the shown name, with its number
    when another participant is shown under the same name (as hsbp.mapping.picking labels
    them). Two queries."""
    if not ids:
        return {}
    rows = session.execute(
        select(Participant.id, Participant.display_name, Participant.sort_name).where(
            Participant.partnership_id == partnership_id, Participant.id.in_(ids)
        )
    ).all()
    shared = set(
        session.scalars(
            select(Participant.sort_name)
            .where(
                Participant.partnership_id == partnership_id,
                Participant.sort_name.in_({row.sort_name for row in rows}),
            )
            .group_by(Participant.sort_name)
            .having(func.count() > 1)
        )
    )
    return {
        row.id: f"{row.display_name} (#{row.id})" if row.sort_name in shared else row.display_name
        for row in rows
    }


def resolve_labels(session: Session, partnership_id: int, rows: list) -> list:
    """Editor rows with the participant's label (`participant`) turned into its id, the way
    hsbp.mapping.picking reads labels ("name", or "name (#12)" for a shared name), for all
    rows in one query. ServiceError on the row's field when a label names no one or several."""
    wanted: dict[int, tuple[str, int | None]] = {}
    for index, row in enumerate(rows):
        label = str(row.get("participant") or "").strip() if isinstance(row, dict) else ""
        if label and not row.get("remove"):
            numbered = NUMBERED.match(label)
            if numbered:
                wanted[index] = (numbered["name"].strip().lower(), int(numbered["id"]))
            else:
                wanted[index] = (label.lower(), None)
    found: dict[str, list[int]] = {}
    if wanted:
        for pid, sort_name in session.execute(
            select(Participant.id, Participant.sort_name).where(
                Participant.partnership_id == partnership_id,
                Participant.sort_name.in_({name for name, _ in wanted.values()}),
            )
        ):
            found.setdefault(sort_name, []).append(pid)
    out = []
    for index, row in enumerate(rows):
        if index not in wanted:
            out.append(row)
            continue
        name, number = wanted[index]
        matches = found.get(name, [])
        if number is not None:
            matches = [pid for pid in matches if pid == number]
        if len(matches) != 1:
            raise ServiceError(
                _l("No participant of this partnership is shown under this name.")
                if not matches
                else _l("Several participants have this name: choose the one with its number."),
                field=f"actors-{index}-participant",
            )
        out.append({**row, "participant_id": matches[0]})
    return out


def known_participants(session: Session, partnership_id: int, rows: list) -> set[int]:
    ids = set()
    for row in rows:
        value = row.get("participant_id") if isinstance(row, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            ids.add(value)
        elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 11:
            ids.add(int(value))
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Participant.id).where(
                Participant.partnership_id == partnership_id, Participant.id.in_(ids)
            )
        )
    )
