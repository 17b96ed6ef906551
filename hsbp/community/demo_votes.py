"""The demo's community vote: the Caguán charter's amendment (version 2, proposed) put to its
contacts by SMS, with ballots enough to show the results by locality, one row pooling the
places of fewer than five answers.

The confirmed contacts are asked as a facilitator would ask them (so the phone simulator can
answer). The ballots already counted are written directly, from fictional neighbours who
are no contact of the partnership's list: the demo has few confirmed contacts, and a vote
needs dozens of answers before its breakdowns show anything.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.community import votes
from hsbp.community.models import Ballot
from hsbp.community.vote_forms import suggest_question
from hsbp.community.vote_replies import CHOICES
from hsbp.db import utcnow
from hsbp.mapping.models import GroupTag
from hsbp.partnerships.models import Partnership
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus
from hsbp.sms import contacts

TITLE = {"es": "Carta de la alianza, versión 2", "en": "The partnership's charter, version 2"}
# locality, sector, groups, (support, object, need more information)
BALLOTS = [
    ("San Vicente del Caguán", "individual", ["women"], (6, 1, 1)),
    ("San Vicente del Caguán", "individual", ["youth"], (3, 2, 0)),
    ("San Vicente del Caguán", "civil_society", [], (2, 0, 1)),
    ("Vereda La Esperanza", "community_group", ["women"], (6, 1, 2)),
    ("Río Pato", "community_group", ["indigenous"], (4, 0, 3)),
    # Two places of fewer than five answers: shown as one pooled row.
    ("Bajo Caguán", "individual", [], (1, 2, 0)),
    ("Vereda Los Pozos", "community_group", ["youth"], (1, 0, 1)),
]
VOTER_NUMBERS = "+573205550{:03d}"  # fictional, never a contact of the partnership


def seed_votes(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Put the proposed version 2 to every contact, closing in ten days, and add the ballots
    of BALLOTS."""
    version = next(
        (
            v
            for v in charter.list_versions(session, partnership_id=partnership.id)
            if v.status == CharterStatus.PROPOSED
        ),
        None,
    )
    if version is None or contacts.settings_of(session, partnership.id) is None:
        return
    codes = partnership.locales or [partnership.default_locale]
    vote = votes.start_vote(
        session,
        actor=facilitator,
        partnership=partnership,
        subject={"charter_version": version},
        fields={
            "title": {code: TITLE[code] for code in codes if code in TITLE},
            "question": {
                code: suggest_question(code, TITLE[code], []) for code in codes if code in TITLE
            },
            "audience": "all",
            "closes_at": utcnow() + timedelta(days=10),
        },
    )
    tags = dict(
        session.execute(
            select(GroupTag.key, GroupTag.id).where(GroupTag.partnership_id == partnership.id)
        ).all()
    )
    day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    number = 0
    for locality, sector, groups, counts in BALLOTS:
        for choice, count in zip(CHOICES, counts, strict=True):
            for _ in range(count):
                number += 1
                voter = contacts.get_or_create_contact(session, VOTER_NUMBERS.format(number))
                voter.locale = partnership.default_locale
                session.add(
                    Ballot(
                        partnership_id=partnership.id,
                        vote_id=vote.id,
                        contact_id=voter.id,
                        choice=choice,
                        locality=locality,
                        sector=sector,
                        tag_ids=[tags[key] for key in groups if key in tags],
                        created_at=day,
                        updated_at=day,
                    )
                )
    session.flush()
