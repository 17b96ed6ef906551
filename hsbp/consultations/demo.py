"""A demo consultation with answers: water and roads around the plantation, asked over the
web, by SMS and in a meeting, with enough answers that results show common ground, a
divergence, a silent sector and a group too small to be shown."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.consultations import answering, questions, services
from hsbp.consultations.models import Consultation, Participation, Question
from hsbp.mapping import tags as mapping_tags
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.sms.contacts import get_or_create_contact


def _t(es: str, en: str) -> dict:
    return {"es": es, "en": en}


def _c(key: str, es: str, en: str) -> dict:
    return {"key": key, "label": _t(es, en)}


QUESTIONS = [
    {
        "kind": "single",
        "text": _t(
            "¿De dónde viene el agua de su casa?", "Where does your household's water come from?"
        ),
        "choices": [
            _c("river", "Río o quebrada", "River or stream"),
            _c("well", "Pozo", "Well"),
            _c("pipe", "Acueducto", "Piped water"),
            _c("rain", "Agua lluvia", "Rainwater"),
        ],
    },
    {
        "kind": "multiple",
        "text": _t("¿Qué le preocupa más en su vereda?", "What worries you most in your village?"),
        "choices": [
            _c("roads", "El estado de las vías", "The state of the roads"),
            _c("water", "La calidad del agua", "Water quality"),
            _c("jobs", "El empleo", "Jobs"),
            _c("land", "La tierra", "Land"),
            _c("safety", "La seguridad", "Safety"),
        ],
    },
    {
        "kind": "scale",
        "text": _t(
            "¿Cuánto confía en la empresa? (1 a 5)", "How much do you trust the company? (1 to 5)"
        ),
    },
    {
        "kind": "yes_no",
        "text": _t(
            "¿Ha ido a alguna reunión de la alianza?", "Have you been to a partnership meeting?"
        ),
    },
    {
        "kind": "text",
        "text": _t("¿Qué ha cambiado en el río?", "What has changed in the river?"),
        "show_if": ("river",),
    },
    {
        "kind": "number",
        "text": _t(
            "¿Cuántas personas viven en su hogar?", "How many people live in your household?"
        ),
        "minimum": 1,
        "maximum": 30,
    },
]

RIVER_TEXTS = [
    "El agua baja turbia desde que abrieron la vía nueva.",
    "Hay menos peces que hace dos años.",
    "En verano la quebrada se seca y toca cargar agua.",
    "Los camiones levantan polvo que cae al río.",
    "Sigue igual, pero nadie ha medido la calidad del agua.",
    "Los niños se enferman del estómago después de las lluvias.",
]

# sector, channel, how many respondents, group tags, leaning (see LEANINGS)
PROFILES = [
    ("community_group", "sms", 16, ["women"], "community"),
    ("community_group", "sms", 6, ["youth"], "community"),
    ("community_group", "assisted", 3, ["indigenous"], "community"),
    ("civil_society", "web", 2, ["victims"], "civil"),
    ("civil_society", "assisted", 7, ["victims", "women"], "civil"),
    ("company", "web", 1, [], "company"),
    ("company", "assisted", 6, [], "company"),
    ("local_government", "web", 1, [], "government"),
    ("local_government", "assisted", 2, [], "government"),
]
LEANINGS = {
    "community": {
        "water": {"river": 5, "well": 3, "pipe": 1, "rain": 1},
        "worries": {"roads": 0.8, "water": 0.7, "jobs": 0.4, "land": 0.5, "safety": 0.3},
        "trust": [30, 30, 25, 10, 5],
        "meetings": 0.4,
    },
    "civil": {
        "water": {"river": 3, "well": 2, "pipe": 4, "rain": 1},
        "worries": {"roads": 0.7, "water": 0.6, "jobs": 0.3, "land": 0.7, "safety": 0.6},
        "trust": [20, 35, 30, 10, 5],
        "meetings": 0.8,
    },
    "company": {
        "water": {"river": 0, "well": 1, "pipe": 8, "rain": 1},
        "worries": {"roads": 0.9, "water": 0.2, "jobs": 0.6, "land": 0.1, "safety": 0.4},
        "trust": [0, 5, 15, 40, 40],
        "meetings": 0.9,
    },
    "government": {
        "water": {"river": 1, "well": 1, "pipe": 6, "rain": 0},
        "worries": {"roads": 0.9, "water": 0.5, "jobs": 0.7, "land": 0.4, "safety": 0.5},
        "trust": [5, 20, 40, 25, 10],
        "meetings": 1.0,
    },
}
# Asked and silent: their 0% response rate shows a missing voice.
SILENT = [("national_government", 3), ("community_group", 5)]


def _questions(session, facilitator, partnership, consultation) -> list[Question]:
    added: list[Question] = []
    for spec in QUESTIONS:
        fields = {k: v for k, v in spec.items() if k != "show_if"}
        if "show_if" in spec:
            fields["show_if_question_id"] = added[0].id
            fields["show_if_choices"] = list(spec["show_if"])
        added.append(
            questions.add_question(
                session,
                actor=facilitator,
                partnership=partnership,
                consultation=consultation,
                fields=fields,
            )
        )
    return added


def _answer(session, rng, consultation, response, questions, leaning, *, limit: int = 99):
    """Answers one response along the skip logic, up to `limit` questions; a few people skip
    a question."""
    water, worries, trust, meetings, river, household = questions
    picks = {
        water.id: {"choices": rng.choices(list(leaning["water"]), leaning["water"].values())},
        worries.id: {
            "choices": [k for k, p in leaning["worries"].items() if rng.random() < p] or ["roads"]
        },
        trust.id: {"choices": rng.choices(answering.SCALE, leaning["trust"])},
        meetings.id: {"choices": ["yes" if rng.random() < leaning["meetings"] else "no"]},
        river.id: {"text": rng.choice(RIVER_TEXTS)},
        household.id: {"number": rng.randint(1, 9)},
    }
    for _ in range(limit):
        question = answering.next_question(consultation, answering.answers_of(session, response))
        if question is None:
            return
        if question.id in (worries.id, household.id) and rng.random() < 0.08:
            answering.record_answer(session, response, question, skipped=True)
        else:
            answering.record_answer(session, response, question, **picks[question.id])


def seed(session: Session, partnership: Partnership, facilitator: User) -> Consultation:
    """An open, non-anonymous consultation in Spanish and English with 44 answers from
    members on the web, contacts by SMS and people met by the facilitator (assisted entry),
    plus invited people who never answered. Every answer goes through the answering rules."""
    rng = random.Random(2026)
    consultation = services.create_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": _t("Agua y vías en las veredas", "Water and roads in the villages"),
            "purpose": _t(
                "Saber qué necesita cada vereda antes de acordar el plan de vías y agua.",
                "Learn what each village needs before agreeing the roads and water plan.",
            ),
            "dimensions": ["environmental", "economic", "health"],
            "audience": {"contacts": True, "members": True},
            "channels": ["web", "public", "sms", "assisted"],
            "anonymous": False,
        },
    )
    questions = _questions(session, facilitator, partnership, consultation)
    services.open_consultation(session, actor=facilitator, consultation=consultation)

    tags = {t.key: t.id for t in mapping_tags.group_tags(session, partnership_id=partnership.id)}
    members = list(
        session.execute(
            select(Membership.user_id, Partner.sector)
            .join(Partner, Partner.id == Membership.partner_id)
            .where(Membership.partnership_id == partnership.id)
        ).all()
    )
    phone_number = iter(range(1, 1000))
    for sector, channel, count, tag_keys, leaning in PROFILES:
        for n in range(count):
            identity, participation = {}, None
            if channel == "sms":
                contact = get_or_create_contact(session, f"+5731055{next(phone_number):05d}")
                identity = {"contact_id": contact.id}
                participation = Participation(
                    consultation_id=consultation.id, contact_id=contact.id, channel="sms"
                )
            elif channel == "web":
                user_id = next((u for u, s in members if s == sector), None)
                if user_id is None:
                    channel = "assisted"
                else:
                    members.remove((user_id, sector))
                    identity = {"user_id": user_id}
                    participation = Participation(
                        consultation_id=consultation.id, user_id=user_id, channel="web"
                    )
            response = answering.start_response(
                session,
                consultation,
                channel=channel,
                locale="es",
                sector=sector,
                locality=rng.choice(["La Esperanza", "Los Pozos", "Playa Rica", "El Camuya"]),
                tag_ids=[tags[k] for k in tag_keys if k in tags],
                recorded_by_id=facilitator.id if channel == "assisted" else None,
                **identity,
            )
            # A few SMS conversations stopped before the end: their answers count as partial.
            partial = channel == "sms" and n % 7 == 6
            leans = LEANINGS[leaning]
            _answer(
                session, rng, consultation, response, questions, leans, limit=4 if partial else 99
            )
            answering.finish_response(session, response, partial=partial)
            if participation is not None:
                participation.sector = sector
                participation.state = "partial" if partial else "complete"
                session.add(participation)
    for sector, count in SILENT:
        for _ in range(count):
            contact = get_or_create_contact(session, f"+5731055{next(phone_number):05d}")
            session.add(
                Participation(
                    consultation_id=consultation.id,
                    contact_id=contact.id,
                    channel="sms",
                    sector=sector,
                    state="invited",
                )
            )
    session.flush()
    return consultation
