"""Helpers of the community vote tests: a partnership with an SMS sender, represented partners
and a proposed charter, its contacts mapped to participants of given localities, sectors and
groups, and a vote put to them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hsbp.community import votes
from hsbp.community.models import Ballot
from hsbp.mapping.models import GroupTag
from hsbp.mapping.tags import group_tags
from hsbp.sms import contacts
from tests.principles import Setup, partnership_with
from tests.sms.conftest import SENDER, add_contact, map_participant

_numbers = itertools.count(1)
_voters = itertools.count(1)
QUESTION = "¿Apoya la carta v1? Responda 1 apoyo, 2 me opongo, 3 más información"


def world(session, make, *, partners: int = 2, sender: str = SENDER, code: str = "CAGUAN") -> Setup:
    """ "Caguán" (es, en), a facilitator, an observer, `partners` represented partners and the
    SMS sender of tests.sms."""
    setup = partnership_with(
        make, partners=partners, name="Caguán", locales=["es", "en"], default_locale="es"
    )
    contacts.configure_sender(
        session, partnership_id=setup.partnership.id, sender=sender, join_code=code
    )
    return setup


def tag_id(session, partnership, key: str) -> int:
    group_tags(session, partnership_id=partnership.id)
    return session.scalar(
        select(GroupTag.id).where(GroupTag.partnership_id == partnership.id, GroupTag.key == key)
    )


def resident(
    session,
    setup: Setup,
    *,
    phone: str | None = None,
    locality: str = "La Esperanza",
    sector: str = "community_group",
    tags: tuple[str, ...] = (),
    locale: str = "es",
    opted_out: bool = False,
    pending: bool = False,
):
    """A contact of the partnership mapped to a person of `locality`, `sector` and `tags`."""
    n = next(_numbers)
    participant = map_participant(
        session,
        setup.partnership,
        setup.facilitator,
        name=f"Persona {n}",
        kind="person",
        sector=sector,
        locality=locality,
        tag_ids=[tag_id(session, setup.partnership, key) for key in tags],
    )
    return add_contact(
        session,
        setup.partnership,
        phone or f"+5731000{n:05d}",
        locale=locale,
        participant=participant,
        opted_out=opted_out,
        pending=pending,
    )


def put(session, setup: Setup, subject: dict, **fields):
    """Put `subject` to every contact by SMS, closing in three days."""
    values = {
        "title": {"es": "Carta, versión 1"},
        "question": {"es": QUESTION},
        "audience": "all",
        "closes_at": datetime.now(UTC) + timedelta(days=3),
        **fields,
    }
    return votes.start_vote(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        subject=subject,
        fields=values,
    )


def seed(session, vote, rows) -> None:
    """Ballots straight in the table: (choice, locality, sector, tag ids, how many)."""
    for choice, locality, sector, tag_ids, count in rows:
        for _ in range(count):
            contact = contacts.get_or_create_contact(session, f"+5732{next(_voters):08d}")
            session.add(
                Ballot(
                    partnership_id=vote.partnership_id,
                    vote_id=vote.id,
                    contact_id=contact.id,
                    choice=choice,
                    locality=locality,
                    sector=sector,
                    tag_ids=list(tag_ids),
                )
            )
    session.flush()
