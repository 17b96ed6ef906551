"""Participants in the audit log: named by id, shown by their current display name, and
forgotten from earlier entries once they are protected."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.mapping.models import Participant, Risk
from hsbp.partnerships.models import Partnership

# Keys under which entries written before a participant was protected may hold who they are.
IDENTIFYING_KEYS = (
    "participant",
    "name",
    "phone",
    "email",
    "intermediary",
    "protective_measures",
    "notes",
)


def _display_names(session: Session, partnership_id: int, ids: set[int]) -> dict[int, str]:
    return dict(
        session.execute(
            select(Participant.id, Participant.display_name).where(
                Participant.partnership_id == partnership_id, Participant.id.in_(ids)
            )
        ).all()
    )


# The audit log shows participants by their current display name: a pseudonym once protected.
for _key in ("participant_id", "candidate_id", "other_participant_id"):
    audit.REFERENCE_LOOKUPS[_key] = _display_names


def forget_identities(
    session: Session,
    *,
    actor: User | None,
    partnership_id: int,
    obj,
    identities: dict[int, list[str]],
) -> int:
    """Scrub the audit log of participants just protected: {participant id: real names}.

    Side effects: earlier entries rewritten without the names, and an "audit.scrub" entry on
    `obj` counting them (see `hsbp.audit.scrub`). Returns the count.
    """
    return audit.scrub(
        session,
        actor_id=actor.id if actor is not None else None,
        partnership_id=partnership_id,
        obj=obj,
        subjects=[("Participant", pid) for pid in identities],
        keys=IDENTIFYING_KEYS,
        texts=[name for names in identities.values() for name in names if name],
    )


def forget_protected(session: Session) -> int:
    """Scrub, in every partnership, the entries written about participants before they were
    protected (the log named them until participants were named by id). Safe to run again.

    Side effects: as `forget_identities`, once per partnership with protected participants,
    recorded by no one (the system). Returns how many entries were rewritten.
    """
    by_partnership: dict[int, dict[int, list[str]]] = {}
    for pid, partnership_id, name in session.execute(
        select(Participant.id, Participant.partnership_id, Participant.protected_name).where(
            Participant.risk == Risk.HIGH
        )
    ):
        by_partnership.setdefault(partnership_id, {})[pid] = [name]
    return sum(
        forget_identities(
            session,
            actor=None,
            partnership_id=partnership_id,
            obj=session.get(Partnership, partnership_id),
            identities=identities,
        )
        for partnership_id, identities in by_partnership.items()
    )
