"""Incidents in a person's erasure and export: erasing a contact unlinks its incidents (a
closed one loses its words, an open one keeps them less the person's number), and the export
lists the person's own named incidents, never an anonymous one."""

from datetime import UTC, datetime

from sqlalchemy import select

from hsbp.privacy import erasure, holdings, subject_export
from hsbp.privacy.erasure_common import removed_text
from hsbp.privacy.export_sections import sections
from hsbp.privacy.forms import removed_rows
from hsbp.risks.incident_models import Incident
from hsbp.sms.models import InboundMessage
from tests.risks.test_incident_world import PHONE, incident, joined_contact
from tests.sms.conftest import sms as sms  # the fixture

NATIONAL = PHONE[3:]  # the number as people write it at home


def membership(session, user, partnership):
    from hsbp.partnerships.models import Membership

    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


def test_erasing_a_contact_unlinks_its_incidents_as_grievances_are(
    session, sms, partnership, facilitator
):
    contact = joined_contact(session, partnership)
    sms(f"ALERTA me amenazan, llamen al {NATIONAL}")
    sms("ALERTA anonimo cortaron el agua")
    sms("ALERTA hay humo en el río")
    named, anonymous, closed = session.scalars(select(Incident).order_by(Incident.id)).all()
    closed.status = "closed"
    other = incident(session, partnership, description="Recorded on the web")
    plan = erasure.contact_plan(session, partnership=partnership, contact=contact)
    assert (plan.counts["open_incidents"], plan.counts["incidents"]) == (2, 1)
    labels = dict(removed_rows(plan.counts))
    assert any(str(label).startswith("Open incidents: the link") for label in labels)

    erasure.erase_contact(
        session,
        actor=facilitator,
        partnership=partnership,
        contact=contact,
        grounds="persons_request",
    )
    session.expire_all()
    named, anonymous, closed, other = session.scalars(select(Incident).order_by(Incident.id))
    assert [i.contact_id for i in (named, anonymous, closed)] == [None, None, None]
    assert named.description == "me amenazan, llamen al …"
    assert anonymous.description == "cortaron el agua"
    assert closed.description == removed_text(partnership.default_locale)
    assert other.description == "Recorded on the web"
    # The ALERT messages are gone with the rest of the contact's messages.
    assert session.scalars(select(InboundMessage.body)).all() == ["", "", ""]


def test_a_delete_by_sms_erases_incidents_in_every_partnership(session, sms, partnership):
    joined_contact(session, partnership)
    sms("ALERTA hay disparos")
    sms("DELETE")
    sms("DELETE YES")
    session.expire_all()
    (found,) = session.scalars(select(Incident)).all()
    assert (found.contact_id, found.description) == (None, "hay disparos")


def test_the_export_lists_the_persons_named_incidents_only(session, sms, partnership, facilitator):
    contact = joined_contact(session, partnership)
    sms("ALERTA hay hombres armados en la escuela")
    sms("ALERTA anon nos siguen")
    subject = holdings.for_contact(session, partnership_id=partnership.id, contact_id=contact.id)
    data = subject_export.build(
        session,
        subject=subject,
        partnership=partnership,
        membership=membership(session, facilitator, partnership),
        locale="en",
        now=datetime(2026, 12, 5, tzinfo=UTC),
    )
    (row,) = data["incidents"]
    assert {k: v for k, v in row.items() if k != "received_at"} == {
        "number": "I-1",
        "channel": "sms",
        "status": "new",
        "locality": "",
        "description": "hay hombres armados en la escuela",
    }
    json = subject_export.to_json(data)
    assert "nos siguen" not in json
    (section,) = [s for s in sections(data) if s.key == "incidents"]
    assert [part.title for part in section.parts] == ["I-1"]
    assert section.paragraphs == [
        "Alerts you sent anonymously are not linked to you: they are not listed here."
    ]
