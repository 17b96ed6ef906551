"""A walk through every page as each role, with people at risk present.

The partnership holds a protected participant who also writes by SMS, an anonymous
consultation answered by SMS, an anonymous grievance filed by SMS and an SMS pulse with a
comment. A representative, an observer and a facilitator then open every page the app has
(every GET rule, downloads included: CSV, XLSX and PDF are read as text). No page shows a
protected identity, and no page shows an anonymous text beside the number or the name of
the person who sent it; the SMS pages show no anonymous text at all.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from hsbp.consultations import invitations, questions
from hsbp.consultations import services as consultations
from hsbp.consultations.models import Answer
from hsbp.db import utcnow
from hsbp.grievances.models import Grievance, GrievanceSettings
from hsbp.mapping import services as mapping
from hsbp.monitoring import pulses
from hsbp.monitoring.pulse_models import DIMENSIONS, PulseComment
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import ContactMembership, InboundMessage
from tests.mapping.conftest import participant_fields
from tests.sms.conftest import SENDER, signed_post

PROTECTED = {
    "name": "Xiomara Quintero Lozada",
    "phone": "+573118885577",
    "email": "xiomara.quintero@example.org",
    "intermediary": "Rosalba Intermediaria Ruiz",
    "protective_measures": "Ruta segura por el puente norte",
    "notes": "Vive junto a la quebrada azul",
}
ANSWERER = {"phone": "+573117776655", "name": "Teodoro Quiñones Vargas"}
COMPLAINANT = {"phone": "+573116665544"}
ANSWER_TEXT = "el río bajó marrón desde la draga nueve"
GRIEVANCE_TEXT = "el capataz amenazó a la vereda zafiro"
PULSE_COMMENT = "nadie escucha a la junta del caserío ocho"
ANONYMOUS_TEXTS = (ANSWER_TEXT, GRIEVANCE_TEXT, PULSE_COMMENT)
SENDERS = (PROTECTED["phone"], ANSWERER["phone"], COMPLAINANT["phone"])


def phone_forms(e164: str) -> list[str]:
    """The ways a page may print a Colombian number: +57 311 888 5577, 3118885577..."""
    national = e164.removeprefix("+57")
    return [e164, national, f"{national[:3]} {national[3:6]} {national[6:]}", national[-7:]]


@dataclass
class Scene:
    partnership: object
    users: dict
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def _send(client, body: str, sender: str, n: list[int]) -> None:
    n[0] += 1
    params = {
        "MessageSid": f"SM{n[0]:032x}",
        "AccountSid": "AC" + "0" * 31 + "1",
        "From": sender,
        "To": SENDER,
        "Body": body,
        "NumMedia": "0",
    }
    assert signed_post(client, "/sms/twilio/inbound", params).status_code == 200


@pytest.fixture
def scene(session, make, client) -> Scene:
    p = make.partnership(name="Vereda Walk", locales=["es", "en"], default_locale="es")
    company = make.partner(p, name="Palmas Walk", sector="company")
    facilitator = make.member(p, Role.FACILITATOR, user=make.user(name="Fabiola Walk"))
    users = {
        "representative": make.member(p, Role.REPRESENTATIVE, partner=company),
        "observer": make.member(p, Role.OBSERVER),
        "facilitator": facilitator,
    }
    contacts.configure_sender(session, partnership_id=p.id, sender=SENDER, join_code="WALK")
    protected = mapping.create_participant(
        session,
        actor=facilitator,
        partnership=p,
        fields=participant_fields(
            kind="person", sector="community_group", risk="high", **PROTECTED
        ),
    )
    answerer = mapping.create_participant(
        session,
        actor=facilitator,
        partnership=p,
        fields=participant_fields(kind="person", name=ANSWERER["name"], locality="Zafiro"),
    )
    sent = [0]
    for phone in (PROTECTED["phone"], ANSWERER["phone"], COMPLAINANT["phone"]):
        _send(client, "JOIN WALK", phone, sent)
        _send(client, "1", phone, sent)  # the language menu: Español
    links = {PROTECTED["phone"]: protected.id, ANSWERER["phone"]: answerer.id}
    for phone, participant_id in links.items():
        member = session.scalar(
            select(ContactMembership).where(
                ContactMembership.contact_id == contacts.find_contact(session, phone).id,
                ContactMembership.partnership_id == p.id,
            )
        )
        member.participant_id = participant_id
    # Each of them also writes something a facilitator must read: a thread page each.
    for phone in (PROTECTED["phone"], ANSWERER["phone"], COMPLAINANT["phone"]):
        _send(client, "Hola, ¿cuándo es la reunión?", phone, sent)

    consultation = consultations.create_consultation(
        session,
        actor=facilitator,
        partnership=p,
        fields={
            "title": {"es": "Agua", "en": "Water"},
            "purpose": {"es": "Agua", "en": "Water"},
            "dimensions": ["environmental"],
            "audience": {"contacts": True, "members": True},
            "channels": ["web", "sms"],
            "anonymous": True,
        },
    )
    questions.add_question(
        session,
        actor=facilitator,
        partnership=p,
        consultation=consultation,
        fields={"kind": "text", "text": {"es": "¿Qué pasa con el río?", "en": "The river?"}},
    )
    consultations.open_consultation(session, actor=facilitator, consultation=consultation)
    invitations.invite_by_sms(session, actor=facilitator, consultation=consultation)
    _send(client, ANSWER_TEXT, ANSWERER["phone"], sent)

    _send(client, f"REPORT ANON {GRIEVANCE_TEXT}", COMPLAINANT["phone"], sent)
    grievance = session.scalar(select(Grievance).where(Grievance.partnership_id == p.id))
    assert grievance is not None and grievance.anonymous

    round_ = pulses.open_round(
        session,
        actor=facilitator,
        partnership=p,
        fields={
            "title": {"es": "Pulso", "en": "Pulse"},
            "closes_at": utcnow() + timedelta(days=7),
            "include_sms": True,
        },
    )
    for _dimension in DIMENSIONS:
        _send(client, "4", ANSWERER["phone"], sent)
    _send(client, PULSE_COMMENT, ANSWERER["phone"], sent)

    # The scene holds what it says: the answer, the comment and the grievance were taken.
    answers = session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
    assert ANSWER_TEXT in answers
    assert session.scalars(select(PulseComment.text)).all() == [PULSE_COMMENT]
    settings = session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == p.id)
    )
    messages = session.scalars(
        select(InboundMessage.id).where(
            InboundMessage.partnership_id == p.id, InboundMessage.in_inbox.is_(True)
        )
    ).all()
    assert len(messages) >= 3
    session.flush()
    return Scene(
        partnership=p,
        users=users,
        ids={
            "participant_id": protected.id,
            "consultation_id": consultation.id,
            "grievance_id": grievance.id,
            "round_id": round_.id,
            "partner_id": company.id,
            "message_id": messages,
            "pid": p.id,
            "number": 1,
        },
        tokens={"grievances.public_form": settings.public_token if settings else None},
    )


def _urls(app, scene: Scene) -> list[str]:
    """Every GET page of the app, with the scene's ids in its arguments."""
    found = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            choices = {}
            for name in rule.arguments:
                if name == "partnership_id":
                    choices[name] = [scene.partnership.id]
                elif name == "token":
                    choices[name] = [scene.tokens.get(rule.endpoint) or "x" * 20]
                elif name in scene.ids:
                    value = scene.ids[name]
                    choices[name] = value if isinstance(value, list) else [value]
                elif name.endswith("_id"):
                    choices[name] = [1]
                else:
                    choices[name] = ["x"]
            for values in itertools.product(*choices.values()):
                found.append(adapter.build(rule.endpoint, dict(zip(choices, values, strict=True))))
    pid = scene.partnership.id
    # The simulator, asked to show each real person's phone.
    found += [f"/p/{pid}/sms/simulator?phone={quote(phone)}" for phone in SENDERS]
    found += [f"/p/{pid}/sms/contacts?q={quote(phone)}" for phone in SENDERS]
    extra = [
        f"/p/{scene.partnership.id}/consultations/{scene.ids['consultation_id']}"
        f"/results/export?format={kind}&identity=1"
        for kind in ("csv", "xlsx")
    ]
    extra.append(f"/p/{scene.partnership.id}/mapping/export?format=xlsx")
    return found + extra


def _text(response) -> str:
    """What a person would read in the response, whatever its kind."""
    kind = response.mimetype or ""
    data = response.get_data()
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            " ".join(str(cell) for cell in row if cell is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if kind == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def _problems(url: str, text: str, role: str) -> list[str]:
    plain = re.sub(r"\s+", " ", text)
    found = []
    # Facilitators keep a protected person safe: they read the measures and notes, never
    # the identity itself unless they ask for it (an audited POST, not a page).
    hidden = ("name", "email", "intermediary")
    if role != "facilitator":
        hidden += ("protective_measures", "notes")
    identity = [PROTECTED[key] for key in hidden]
    if "?" not in url:
        # A page asked for a number (a search, the simulator) may repeat what was typed.
        identity += phone_forms(PROTECTED["phone"])
    found += [f"{url}: protected {value!r}" for value in identity if value in plain]
    senders = phone_forms(ANSWERER["phone"]) + phone_forms(COMPLAINANT["phone"])
    senders.append(ANSWERER["name"])
    for secret in ANONYMOUS_TEXTS:
        if secret not in plain:
            continue
        if "/sms" in url:
            found.append(f"{url}: anonymous text {secret!r} on an SMS page")
        found += [f"{url}: {secret!r} beside {who!r}" for who in senders if who in plain]
    return found


@pytest.mark.parametrize("role", ["representative", "observer", "facilitator"])
def test_no_page_shows_a_protected_identity_or_who_wrote_an_anonymous_text(
    app, client, login, scene, role
):
    login(scene.users[role])
    problems, opened = [], 0
    for url in _urls(app, scene):
        response = client.get(url)
        assert response.status_code != 500, url
        if response.status_code == 200:
            opened += 1
            problems += _problems(url, _text(response), role)
    assert problems == [], "\n".join(problems)
    # The walk really opened the partnership's pages, not a wall of 404s.
    assert opened >= {"representative": 40, "observer": 35, "facilitator": 70}[role]
