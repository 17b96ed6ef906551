"""The demo's monitoring for the Caguán partnership: indicators of the charter's goals with two
years of values (some off track, one corrected), an indicator computed from a closed
consultation, and two partnership-health pulses in which the company scores trust well above
the community and civil society. Everything goes through the services, then is dated back.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions import checks
from hsbp.auth.models import User
from hsbp.auth.services import create_user
from hsbp.consultations import answering, questions
from hsbp.consultations import services as consultation_services
from hsbp.monitoring import from_consultation, polls, pulses, reviews, services
from hsbp.monitoring.demo_data import (
    BASELINE_ON,
    COMMENTS,
    DECISIONS,
    INDICATORS,
    LEANINGS,
    MINUTES,
    PRESENT,
    RIVER,
    STAFF,
    TOWN,
    WATER_DAYS,
    WATER_SURVEY,
    es_en,
)
from hsbp.monitoring.models import Method
from hsbp.monitoring.poll_models import Aggregate, PollReply, ReplyState, SmsPoll
from hsbp.monitoring.pulse_models import DIMENSIONS, PulseRound, PulseTalk, TalkState
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import Contact, ContactMembership


def _reported(period_on: date) -> datetime:
    """Reported a month and a few days after the period began."""
    return datetime(period_on.year, period_on.month, 1, 15, tzinfo=UTC) + timedelta(days=40)


def _partners(session, partnership) -> dict[str, Partner]:
    rows = session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    return {p.name: p for p in rows}


def _indicators(session, partnership, facilitator, partners):
    goal_keys = list(checks.goals(session, partnership_id=partnership.id))
    made = []
    for goal, fields, values, partner in INDICATORS:
        indicator = services.create_indicator(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={
                **fields,
                "goal_key": goal_keys[goal],
                "baseline_on": BASELINE_ON,
                "partner_id": partners[partner].id,
            },
        )
        for period_on, value in values:
            measurement = services.record_value(
                session, actor=facilitator, indicator=indicator, period_on=period_on, value=value
            )
            measurement.reported_at = _reported(period_on)
        made.append(indicator)
    jobs = made[1]
    # The same share counted for women alone and for the young alone (the parts overlap).
    for period_on, women, young in (
        (date(2026, 1, 1), "13", "9"),
        (date(2026, 4, 1), "14", "9"),
        (date(2026, 7, 1), "14", "10"),
        (date(2026, 10, 1), "15", "10"),
    ):
        for part, value in (("sex:female", women), ("age_band:18-28", young)):
            services.record_value(
                session,
                actor=facilitator,
                indicator=jobs,
                period_on=period_on,
                value=value,
                breakdown=part,
            ).reported_at = _reported(period_on)
    services.record_value(
        session,
        actor=facilitator,
        indicator=jobs,
        period_on=date(2026, 4, 1),
        value="21",
        note="Se habían contado dos veces los contratistas de vivero.",
        correction=True,
    ).reported_at = datetime(2026, 8, 3, 15, tzinfo=UTC)
    return made


def _from_consultation(session, partnership, facilitator, partners):
    """A one-question survey of June 2026, closed, whose river share is the indicator's value;
    the two values before it came from the partners' own counts (imported)."""
    survey = consultation_services.create_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": es_en("Agua de consumo, junio 2026", "Drinking water, June 2026"),
            "purpose": es_en(
                "Seguir cuántos hogares toman agua del río.",
                "Follow how many households drink river water.",
            ),
            "dimensions": ["health"],
            "audience": {"members": True},
            "channels": ["assisted"],
            "anonymous": True,
        },
    )
    question = questions.add_question(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=survey,
        fields={
            "kind": "single",
            "text": es_en(
                "¿De dónde viene el agua que toma?", "Where does your drinking water come from?"
            ),
            "choices": [
                {"key": "river", "label": es_en("Río o quebrada", "River or stream")},
                {"key": "well", "label": es_en("Pozo", "Well")},
                {"key": "pipe", "label": es_en("Acueducto", "Piped water")},
                {"key": "rain", "label": es_en("Agua lluvia", "Rainwater")},
            ],
        },
    )
    consultation_services.open_consultation(session, actor=facilitator, consultation=survey)
    for key, count in WATER_SURVEY:
        for _ in range(count):
            response = answering.start_response(
                session,
                survey,
                channel="assisted",
                locale="es",
                sector="community_group",
                locality="La Esperanza",
                recorded_by_id=facilitator.id,
            )
            answering.record_answer(session, response, question, choices=[key])
            answering.finish_response(session, response)
    indicator = services.create_indicator(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "name": RIVER,
            "kind": "percentage",
            "baseline_value": "60",
            "baseline_on": BASELINE_ON,
            "target_value": "30",
            "target_on": date(2027, 12, 31),
            "direction": "lower",
            "frequency": "half_yearly",
            "source": "Encuesta de agua de las juntas",
            "partner_id": partners[TOWN].id,
            "goal_key": next(iter(checks.goals(session, partnership_id=partnership.id))),
        },
    )
    for period_on, value in ((date(2025, 6, 1), "58"), (date(2026, 1, 1), "47")):
        services.record_value(
            session,
            actor=facilitator,
            indicator=indicator,
            period_on=period_on,
            value=value,
            method=Method.IMPORT,
        )
    from_consultation.link_to_question(session, facilitator, indicator, question, "river")
    survey.closes_at = datetime(2026, 6, 28, 22, tzinfo=UTC)
    consultation_services.close_consultation(session, actor=facilitator, consultation=survey)
    return indicator


def _joined_contacts(session, partnership) -> list[Contact]:
    """The contacts who joined the partnership by SMS and have not opted out, oldest first."""
    return list(
        session.scalars(
            select(Contact)
            .join(ContactMembership, ContactMembership.contact_id == Contact.id)
            .where(
                ContactMembership.partnership_id == partnership.id,
                contacts.confirmed(),
                Contact.opted_out.is_(False),
            )
            .order_by(Contact.id)
        )
    )


def _poll(session, partnership, facilitator, partners, community) -> None:
    """An indicator measured by asking contacts by SMS: two values reported on the web, and
    November's from a closed poll of the community's replies."""
    indicator = services.create_indicator(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "name": WATER_DAYS,
            "kind": "number",
            "unit": "días",
            "baseline_value": "3",
            "baseline_on": BASELINE_ON,
            "target_value": "7",
            "target_on": date(2027, 12, 31),
            "direction": "higher",
            "frequency": "monthly",
            "source": "Sondeo por SMS a las veredas",
            "partner_id": partners[TOWN].id,
            "goal_key": next(iter(checks.goals(session, partnership_id=partnership.id))),
        },
    )
    for period_on, value in ((date(2026, 9, 1), "4"), (date(2026, 10, 1), "4")):
        services.record_value(
            session, actor=facilitator, indicator=indicator, period_on=period_on, value=value
        ).reported_at = _reported(period_on)
    # The replies as the SMS conversation leaves them (parsing is the channel's, tested there).
    poll = SmsPoll(
        partnership_id=partnership.id,
        indicator_id=indicator.id,
        question={
            "es": "¿Cuántos días de la última semana tuvo agua en la llave? "
            "Responda un número de 0 a 7.",
            "en": "How many days last week did you have water at the tap? "
            "Reply a number from 0 to 7.",
        },
        audience={"kind": "all", "value": ""},
        period_on=date(2026, 11, 1),
        aggregate=Aggregate.MEAN,
        closes_at=datetime(2026, 11, 20, 23, tzinfo=UTC),
        created_by_id=facilitator.id,
    )
    session.add(poll)
    session.flush()
    days = [5, 3, 4, 6, 2, 5, 4, 3]
    session.add_all(
        PollReply(
            partnership_id=partnership.id,
            poll_id=poll.id,
            contact_id=contact.id,
            state=ReplyState.ANSWERED if index < len(days) else ReplyState.ASKED,
            value=days[index] if index < len(days) else None,
            answered_at=datetime(2026, 11, 14 + index % 5, 15, tzinfo=UTC)
            if index < len(days)
            else None,
        )
        for index, contact in enumerate(community)
    )
    session.flush()
    polls.close_poll(session, poll=poll, actor=facilitator)


def _staff(session, partnership, partners, password) -> dict[str, list[User]]:
    people: dict[str, list[User]] = {}
    for partner_name, names in STAFF.items():
        partner = partners[partner_name]
        members = list(
            session.scalars(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(
                    Membership.partnership_id == partnership.id,
                    Membership.partner_id == partner.id,
                )
            )
        )
        for name in names:
            plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            login = plain.lower().replace(" ", ".")
            user = create_user(
                session,
                email=f"{login}@demo.hsbp.example",
                name=name,
                password=password,
                locale="es",
            )
            session.add(
                Membership(
                    partnership_id=partnership.id,
                    user_id=user.id,
                    role=Role.REPRESENTATIVE,
                    partner_id=partner.id,
                )
            )
            members.append(user)
        people[partner.sector] = members
    session.flush()
    return people


def _pulses(session, partnership, facilitator, people, community) -> list[PulseRound]:
    """Two closed rounds: members on the web and, by SMS, contacts of the community."""
    rng = random.Random(8)
    rounds = []
    for number, (opened, title) in enumerate(
        [
            (
                datetime(2026, 3, 2, 13, tzinfo=UTC),
                es_en("Pulso de marzo 2026", "March 2026 pulse"),
            ),
            (
                datetime(2026, 9, 1, 13, tzinfo=UTC),
                es_en("Pulso de septiembre 2026", "September 2026 pulse"),
            ),
        ]
    ):
        pulse_round = pulses.open_round(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={"title": title, "closes_at": datetime.now(UTC) + timedelta(days=1)},
        )
        for sector, members in people.items():
            centre = LEANINGS[sector][number]
            for index, member in enumerate(members):
                scores = {
                    d: str(min(5, max(1, round(centre + rng.uniform(-0.8, 0.8)))))
                    for d in DIMENSIONS
                }
                comment = COMMENTS[sector] if index == 0 else ""
                pulses.record_scores(session, pulse_round, member, scores, comment)
        # Asked by SMS too: each contact's conversation is over, its answers written below.
        pulse_round.include_sms = True
        session.add_all(
            PulseTalk(
                partnership_id=partnership.id,
                round_id=pulse_round.id,
                contact_id=contact.id,
                state=TalkState.DONE,
                step=len(DIMENSIONS),
                invited_at=opened,
                last_activity_at=opened + timedelta(hours=2),
            )
            for contact in community
        )
        for index, contact in enumerate(community):
            centre = LEANINGS["community"][number]
            scores = {
                d: min(5, max(1, round(centre + rng.uniform(-0.8, 0.8))))
                for d in DIMENSIONS
                if (index, d) != (2, "equity")  # one contact skipped a question by SMS
            }
            comment = COMMENTS["community"] if index == 0 else ""
            pulses.record_contact_scores(session, pulse_round, contact, scores, comment)
        pulses.close_round(session, pulse_round)
        pulse_round.opens_at = pulse_round.created_at = opened
        pulse_round.closes_at = opened + timedelta(days=14)
        rounds.append(pulse_round)
    session.flush()
    return rounds


def _reviews(session, partnership, facilitator, partners) -> None:
    """The September review, held, with its decisions and the follow-up actions they made;
    and the next one, scheduled."""
    held_at = datetime(2026, 9, 15, 14, tzinfo=UTC)
    review = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": es_en(
                "Revisión semestral, septiembre 2026", "Half-yearly review, September 2026"
            ),
            "scheduled_at": held_at,
            "place": "Salón comunal, vereda La Esperanza",
        },
    )
    reviews.record_attendance(
        session,
        actor=facilitator,
        review=review,
        attendance={
            partner.id: {"present": name in PRESENT, "names": PRESENT.get(name, "")}
            for name, partner in partners.items()
        },
        now=held_at,
    )
    reviews.update_minutes(session, actor=facilitator, review=review, minutes=MINUTES, now=held_at)
    for decision in DECISIONS:
        reviews.record_decision(
            session,
            actor=facilitator,
            review=review,
            fields={
                "text": decision["text"],
                "decided_by": decision["decided_by"],
                "partner_ids": [partners[name].id for name in PRESENT],
                "actions": [
                    {"title": title, "lead_partner_id": partners[lead].id, "due_on": due}
                    for title, lead, due in decision["actions"]
                ],
                "amend_charter": decision["amend_charter"],
            },
            now=held_at,
        )
    reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": es_en("Revisión semestral, marzo 2027", "Half-yearly review, March 2027"),
            "scheduled_at": datetime(2027, 3, 10, 14, tzinfo=UTC),
            "place": "Salón comunal, vereda La Esperanza",
        },
    )


def seed(session: Session, *, partnership: Partnership, facilitator: User, password: str) -> None:
    """Seed it; `password` is the demo's, for the staff who answer the pulses."""
    partners = _partners(session, partnership)
    _indicators(session, partnership, facilitator, partners)
    _from_consultation(session, partnership, facilitator, partners)
    people = _staff(session, partnership, partners, password)
    community = _joined_contacts(session, partnership)
    _pulses(session, partnership, facilitator, people, community)
    _poll(session, partnership, facilitator, partners, community)
    _reviews(session, partnership, facilitator, partners)
    session.flush()
