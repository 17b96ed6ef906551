"""Participants and languages as the pickers of other screens offer them: a participant is
chosen by the name everyone may see (a pseudonym for protected people), told apart from a
namesake by its number, and read back to one participant of the partnership."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.errors import ServiceError
from hsbp.mapping import queries
from hsbp.mapping.models import Participant

# Suggestions stop here so a page stays light in a partnership of thousands; a name typed
# in full still finds anyone past it.
MAX_SUGGESTIONS = 400
# "Ana Pérez (#12)": the label of one of several participants shown under the same name.
NUMBERED = re.compile(r"^(?P<name>.*?)\s*\(#(?P<id>\d+)\)\s*$")


def participant_labels(session: Session, *, partnership_id: int) -> list[str]:
    """The shown names of the partnership's participants, alphabetical; a name two share
    carries each one's number. Reads only names that may be seen: nothing is decrypted."""
    rows = session.execute(
        select(Participant.id, Participant.display_name, Participant.sort_name)
        .where(Participant.partnership_id == partnership_id)
        .order_by(Participant.sort_name, Participant.id)
        .limit(MAX_SUGGESTIONS)
    ).all()
    shared = {
        sort_name
        for sort_name, count in session.execute(
            select(Participant.sort_name, func.count())
            .where(Participant.partnership_id == partnership_id)
            .group_by(Participant.sort_name)
            .having(func.count() > 1)
        )
    }
    return [f"{name} (#{pid})" if key in shared else name for pid, name, key in rows]


def participant_by_label(
    session: Session, *, partnership_id: int, label: str, field: str
) -> Participant:
    """The one participant `label` names (a shown name, or "name (#number)" for a name
    several share). ServiceError on `field` when none or several match."""
    numbered = NUMBERED.match(label or "")
    if numbered:
        found = session.scalar(
            select(Participant).where(
                Participant.partnership_id == partnership_id,
                Participant.id == int(numbered["id"]),
                Participant.sort_name == numbered["name"].strip().lower(),
            )
        )
        if found is None:
            raise ServiceError(
                _l("No participant of this partnership is shown under this name."), field=field
            )
        return found
    try:
        return queries.by_display_name(session, partnership_id=partnership_id, name=label or "")
    except ServiceError as error:
        raise ServiceError(error.message, field=field) from error


def languages_in_use(session: Session, *, partnership_id: int) -> list[str]:
    """The language codes the partnership's participants speak, most spoken first."""
    counts: dict[str, int] = {}
    for spoken in session.scalars(
        select(Participant.languages).where(Participant.partnership_id == partnership_id)
    ):
        for code in spoken or []:
            counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda code: (-counts[code], code))
