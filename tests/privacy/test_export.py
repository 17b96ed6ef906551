"""A person's own data: the export of a contact or a participant holds exactly what this
partnership holds about them, in JSON, on a printable page and as a PDF."""

from __future__ import annotations

import ast
import inspect
import io
import json
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from hsbp.audit import AuditEntry
from hsbp.auth.models import UserSession
from hsbp.consent.models import Consent
from hsbp.db import utcnow
from hsbp.grievances.models import GrievanceOfficer
from hsbp.privacy import export_views
from hsbp.security import Role
from hsbp.sms import contacts
from tests.privacy import export_world
from tests.privacy.export_world import (
    ANA_NAME,
    ANA_PHONE,
    FOREIGN,
    PROTECTED_PSEUDONYM,
    PROTECTED_REAL,
)

EN = {"lang": "en"}
TOP_KEYS = [
    "schema",
    "version",
    "generated_at",
    "language",
    "partnership",
    "subject",
    "identity",
    "memberships",
    "consent_history",
    "consents",
    "consent_changes",
    "messages",
    "consultations_asked",
    "consultation_answers",
    "grievances",
    "votes",
    "checks",
    "pulses",
    "poll_replies",
    "incidents",  # registered by risks (hsbp.privacy.registry)
    "mapping_record",
    "retention",
    "erasure",
    "notes",
]


@pytest.fixture
def world(session, make):
    return export_world.build(session, make)


def path(world, fmt: str, *, participant: bool = False) -> str:
    pid = world.partnership.id
    if participant:
        base = f"/p/{pid}/privacy/participants/{world.participant.id}/export"
    else:
        base = f"/p/{pid}/privacy/contacts/{world.ana.id}/export"
    return base if fmt == "html" else f"{base}.{fmt}"


def export(client, world, fmt: str, *, participant: bool = False, lang: str = "en"):
    """Ask for the export as the desk's form does: posted, with its language."""
    return client.post(path(world, fmt, participant=participant), data={"lang": lang})


def held_consents(world) -> list[tuple[str, bool]]:
    """Her consents in this partnership as stored (joining gives some: hsbp.consent)."""
    found = world.session.scalars(
        select(Consent)
        .where(Consent.partnership_id == world.partnership.id, Consent.contact_id == world.ana.id)
        .order_by(Consent.purpose)
    )
    return [(c.purpose, c.granted) for c in found]


def exported(client, login, world, *, lang: str = "es", **kwargs) -> dict:
    login(world.facilitator)
    response = export(client, world, "json", lang=lang, **kwargs)
    assert response.status_code == 200
    return response.get_json()


def test_contact_export_holds_her_messages_and_no_one_elses(client, login, world):
    data = exported(client, login, world)
    assert [(m["direction"], m["body"]) for m in data["messages"]] == [
        ("received", "Hola, quiero participar"),
        ("sent", "Bienvenida a la alianza"),
        ("sent", None),
    ]
    assert data["messages"][2]["body_removed_at"] is not None
    assert data["identity"]["phones"] == [ANA_PHONE]
    assert data["identity"]["name"] == ANA_NAME
    assert data["memberships"] == [
        {
            "contact_id": world.ana.id,
            "status": "confirmed",
            "joined_at": data["memberships"][0]["joined_at"],
            "confirmed_at": data["memberships"][0]["confirmed_at"],
            "wants_updates": False,
            "phone": ANA_PHONE,
            "language": "es",
            "stopped_all_messages": False,
        }
    ]
    assert [(e["event"], e["note"]) for e in data["consent_history"]] == [
        ("join", "Consentimiento escrito")
    ]
    assert [(c["purpose"], c["granted"]) for c in data["consents"]] == held_consents(world)
    # Each answer also has its history, as the audit log keeps it.
    assert sorted((c["purpose"], c["granted"]) for c in data["consent_changes"]) == (
        held_consents(world)
    )


def test_contact_export_holds_her_answers_grievance_and_community_replies(client, login, world):
    data = exported(client, login, world)
    assert data["consultation_answers"] == [
        {
            "consultation": "Agua (es)",
            "channel": "sms",
            "state": "complete",
            "started_at": data["consultation_answers"][0]["started_at"],
            "finished_at": None,
            "answers": [
                {
                    "question": "¿Qué le preocupa? (Agua)",
                    "answer": "El río baja turbio",
                    "skipped": False,
                }
            ],
        }
    ]
    # She was asked to answer the anonymous one; what she said there is not hers to see.
    assert [(p["consultation"], p["anonymous"]) for p in data["consultations_asked"]] == [
        ("Seguridad (es)", True)
    ]
    [grievance] = data["grievances"]["items"]
    assert grievance["description"] == "El agua del pozo está sucia"
    assert grievance["complainant_phone"] == ANA_PHONE
    assert grievance["events"] == [
        {
            "at": grievance["events"][0]["at"],
            "stage_from": "received",
            "stage_to": "acknowledged",
            "told_by_sms": True,
        }
    ]
    assert [(v["vote"], v["choice"]) for v in data["votes"]] == [
        ("Votación de la carta", "support")
    ]
    assert [(c["question"], c["answer"]) for c in data["checks"]] == [("¿Funciona el pozo?", "yes")]
    assert [(r["question"], r["value"]) for r in data["poll_replies"]] == [
        ("¿Cuántas horas de agua?", 6)
    ]
    assert [(p["round"], p["in_progress"]) for p in data["pulses"]] == [("Ronda 1", False)]


def test_export_holds_nothing_of_another_person_or_partnership(client, login, world):
    login(world.facilitator)
    for fmt in ("json", "html"):
        body = export(client, world, fmt).get_data(as_text=True)
        for marker in FOREIGN:
            assert marker not in body, (fmt, marker)
    data = export(client, world, "json").get_json()
    assert "research" not in {c["purpose"] for c in data["consents"]}
    assert "research" not in {c["purpose"] for c in data["consent_changes"]}
    assert [m["contact_id"] for m in data["memberships"]] == [world.ana.id]


def test_json_keys_dates_and_encoding_are_stable(client, login, world):
    login(world.facilitator)
    response = export(client, world, "json", lang="en")
    assert response.mimetype == "application/json"
    raw = response.get_data()
    # UTF-8 as written, not \u escapes.
    assert "El río baja turbio".encode() in raw
    data = json.loads(raw)
    assert list(data) == TOP_KEYS
    assert data["schema"] == "hsbp.person-export" and data["version"] == 1
    assert data["language"] == "en"
    assert data["subject"] == {"kind": "contact", "id": world.ana.id}
    assert data["partnership"] == {"id": world.partnership.id, "name": world.partnership.name}
    assert datetime.fromisoformat(data["generated_at"]).utcoffset().total_seconds() == 0
    assert datetime.fromisoformat(data["messages"][0]["at"]).tzinfo is not None
    assert data["mapping_record"]["consent_on"] == "2026-01-10"
    assert list(data["grievances"]) == ["included", "left_out", "items"]
    assert [r["rule"] for r in data["retention"]["rules"]] == [
        "sms_bodies",
        "grievance_identity",
        "consultation_raw",
        "dropped_evidence",
        "audit_details",
    ]
    assert data["retention"]["schedule"] == "default"
    assert data["erasure"] == {"sms_keyword": "DELETE", "sms_number": export_world.SENDER}
    # Texts the partnership wrote are in the export's language.
    assert data["consultation_answers"][0]["answers"][0]["question"] == "What worries you? (Agua)"


def test_anonymous_answers_and_grievances_are_left_out_and_the_notes_say_so(client, login, world):
    data = exported(client, login, world, lang="en")
    text = json.dumps(data, ensure_ascii=False)
    assert "Anonimarespuesta" not in text
    assert "Anonimaqueja" not in text
    assert len(data["grievances"]["items"]) == 1
    assert any("anonymous consultations" in note for note in data["notes"])


def test_protected_participants_are_named_by_their_pseudonym(client, login, world):
    data = exported(client, login, world)
    assert data["mapping_record"]["relationships"] == [
        {"kind": "cooperates", "direction": "to", "other": PROTECTED_PSEUDONYM}
    ]
    login(world.facilitator)
    for fmt in ("json", "html", "pdf"):
        response = export(client, world, fmt)
        assert response.status_code == 200
        body = pdf_text(response) if fmt == "pdf" else response.get_data(as_text=True)
        assert PROTECTED_REAL.replace(" ", "") not in body.replace(" ", "")


def test_a_protected_persons_own_identity_is_in_their_export(client, login, session, world):
    world.participant.risk = "high"
    session.flush()
    data = exported(client, login, world, participant=True)
    assert data["identity"]["name"] == ANA_NAME
    assert data["identity"]["protected"] is True
    assert data["identity"]["phones"] == [ANA_PHONE]


def test_participant_export_holds_the_linked_contacts_data(client, login, world):
    data = exported(client, login, world, participant=True)
    assert data["subject"] == {"kind": "participant", "id": world.participant.id}
    assert [m["body"] for m in data["messages"]][:2] == [
        "Hola, quiero participar",
        "Bienvenida a la alianza",
    ]
    assert data["mapping_record"]["notes"] == "Lidera el comité de agua"


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = "".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u2066-\u2069]", "", text)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pdf_parses_and_holds_the_phone(client, login, world, lang):
    login(world.facilitator)
    response = export(client, world, "pdf", lang=lang)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response)
    assert ANA_PHONE in text
    assert "Holaquieroparticipar" in text.replace(",", "")


def test_html_isolates_what_people_wrote(client, login, world):
    login(world.facilitator)
    page = export(client, world, "html", lang="en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert "<bdi>El río baja turbio</bdi>" in page
    assert "<bdi>Hola, quiero participar</bdi>" in page
    assert f"<bdi>{PROTECTED_PSEUDONYM}</bdi>" in page
    assert "Removed under the retention schedule" in page
    arabic = export(client, world, "html", lang="ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "<bdi>El río baja turbio</bdi>" in arabic


def test_each_export_is_audited_without_name_or_number(client, login, session, world):
    login(world.facilitator)
    for fmt in ("html", "pdf", "json"):
        assert export(client, world, fmt, lang="en").status_code == 200
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "privacy.export").order_by(AuditEntry.id)
    ).all()
    assert [e.details for e in entries] == [
        {"format": fmt, "subject_kind": "contact", "subject_id": world.ana.id, "language": "en"}
        for fmt in ("html", "pdf", "json")
    ]
    assert {(e.actor_id, e.partnership_id) for e in entries} == {
        (world.facilitator.id, world.partnership.id)
    }
    written = json.dumps([[e.object_type, e.object_id, e.details] for e in entries])
    assert ANA_PHONE not in written and "Ana" not in written


def test_the_activity_log_tells_an_export_as_a_sentence(client, login, world):
    login(world.facilitator)
    export(client, world, "pdf")
    page = client.get(f"/p/{world.partnership.id}/audit").get_data(as_text=True)
    name = world.facilitator.name
    assert (
        f"<bdi>{name}</bdi> exported what the partnership holds about a person (<bdi>pdf</bdi>)."
    ) in page


def test_downloads_are_attachments_named_by_date_only_and_never_cached(client, login, world):
    login(world.facilitator)
    today = utcnow().astimezone(world.partnership.zone).date().isoformat()
    for fmt in ("pdf", "json"):
        response = export(client, world, fmt)
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="hsbp-person-export-{today}.{fmt}"'
        )
        assert response.headers["Cache-Control"] == "no-store"
    page = export(client, world, "html")
    assert page.headers["Cache-Control"] == "no-store"
    assert "Content-Disposition" not in page.headers


def test_an_unknown_language_or_format_is_refused(client, login, world):
    login(world.facilitator)
    assert export(client, world, "json", lang="xx").status_code == 400
    assert client.post(path(world, "json")).status_code == 400
    assert export(client, world, "html.pdf").status_code == 404
    assert export(client, world, "xlsx").status_code == 404


def test_an_export_is_never_opened_by_a_link(client, login, world):
    login(world.facilitator)
    for fmt in ("html", "pdf", "json"):
        assert client.get(path(world, fmt)).status_code == 405


def test_grievances_are_exported_only_by_a_grievance_officer(client, login, session, world):
    session.execute(GrievanceOfficer.__table__.delete())
    data = exported(client, login, world, lang="en")
    assert data["grievances"] == {"included": False, "left_out": 0, "items": []}
    assert any("grievance officer" in note for note in data["notes"])
    assert "El agua del pozo" not in json.dumps(data, ensure_ascii=False)


def test_outsiders_and_other_roles_get_not_found(client, login, make, session, world):
    stranger = make.member(world.other, Role.FACILITATOR)
    representative = make.member(world.partnership, Role.REPRESENTATIVE)
    observer = make.member(world.partnership, Role.OBSERVER)
    for user in (stranger, representative, observer):
        login(user)
        for fmt in ("html", "pdf", "json"):
            assert export(client, world, fmt).status_code == 404
            assert export(client, world, fmt, participant=True).status_code == 404
    assert (
        session.scalar(select(AuditEntry.id).where(AuditEntry.action == "privacy.export")) is None
    )


def test_a_contact_of_another_partnership_only_is_not_found(client, login, session, world):
    elsewhere = contacts.get_or_create_contact(session, "+573151112233")
    contacts.join(session, contact=elsewhere, partnership_id=world.other.id, channel="sms")
    login(world.facilitator)
    pid = world.partnership.id
    found = client.post(f"/p/{pid}/privacy/contacts/{elsewhere.id}/export.json", data=EN)
    assert found.status_code == 404
    other_participant = export_world._participant(session, world.other, name="Fuera")
    theirs = f"/p/{pid}/privacy/participants/{other_participant.id}/export.json"
    assert client.post(theirs, data=EN).status_code == 404


def test_statements_do_not_grow_with_the_persons_rows(client, login, session, world, count_queries):
    login(world.facilitator)
    export(client, world, "json")
    with count_queries() as few:
        assert export(client, world, "json").status_code == 200
    export_world.add_messages(session, world, 6)
    with count_queries() as many:
        data = export(client, world, "json").get_json()
    assert len(data["messages"]) == 3 + 12
    assert len(data["consultation_answers"]) == 1 + 6
    assert many["n"] == few["n"]


def test_a_browser_signed_in_long_ago_proves_it_is_them_first(client, login, session, world):
    login(world.facilitator)
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == world.facilitator.id)
        .values(reauthenticated_at=utcnow() - timedelta(hours=2))
    )
    for fmt in ("html", "pdf", "json"):
        response = export(client, world, fmt)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/reauth"
    assert (
        session.scalar(select(AuditEntry.id).where(AuditEntry.action == "privacy.export")) is None
    )


def test_every_export_asks_for_a_recent_sign_in():
    """Each export view carries `fresh_auth_required` inside the partnership guard (so a
    stranger still gets the guard's 404, never a sign-in prompt). Read from the source: the
    decorator may pass everything through until the second factor is built."""
    tree = ast.parse(inspect.getsource(export_views))
    exports = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("export_")
    ]
    assert sorted(node.name for node in exports) == [
        "export_contact",
        "export_contact_file",
        "export_participant",
        "export_participant_file",
    ]
    for node in exports:
        names = [ast.unparse(d) for d in node.decorator_list]
        assert names[-2:] == [
            "partnership_guard(Role.FACILITATOR, lead=True)",
            "fresh_auth_required",
        ]
