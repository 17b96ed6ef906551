"""Shared fixtures of the retention tests: a partnership with members by role, another
partnership whose rows no run of the first may touch, and `rows`, which makes the rows each
rule looks at, dated in the past."""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from hsbp.actions import uploads
from hsbp.actions.models import Action, ActionUpdate, Evidence
from hsbp.audit import AuditEntry
from hsbp.consultations.models import Answer, AnswerChoice, Consultation, Question, Response
from hsbp.grievances import codes
from hsbp.grievances.models import Grievance, GrievanceEvent
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import InboundMessage, OutboundMessage

# Every rule is applied "now" at this moment, so dates and cutoffs are exact.
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def days_ago(days: float, now: datetime = NOW) -> datetime:
    return now - timedelta(days=days)


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán")


@pytest.fixture
def other(make):
    return make.partnership(name="Putumayo")


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(name="Fabiola"))


@pytest.fixture
def representative(make, partnership):
    return make.member(partnership, Role.REPRESENTATIVE, user=make.user(name="Carlos"))


@pytest.fixture
def observer(make, partnership):
    return make.member(partnership, Role.OBSERVER, user=make.user(name="Omar"))


@pytest.fixture
def outsider(make, other):
    return make.member(other, Role.FACILITATOR, user=make.user(name="Otto"))


class Rows:
    """Rows of every kind a rule looks at, in `partnership` unless told otherwise."""

    def __init__(self, session, partnership, make):
        self.session, self.partnership, self.make = session, partnership, make
        self._lead = None

    def _pid(self, partnership):
        return (partnership or self.partnership).id

    def contact(self, phone: str | None = None):
        return contacts.get_or_create_contact(
            self.session, phone or f"+5731045{next(_numbers):05d}"
        )

    def inbound(self, *, received_at, contact=None, partnership=None, **fields):
        contact = contact or self.contact()
        n = next(_numbers)
        values = {
            "provider_sid": f"SM{n:032d}",
            "from_phone": "+573100000000",
            "from_hash": "h" * 64,
            "to_number": "+15005550006",
            "body": f"mensaje {n}",
            "route": "join",
            "received_at": received_at,
            "contact_id": contact.id,
            "partnership_id": self._pid(partnership),
        }
        return self._add(InboundMessage(**{**values, **fields}))

    def outbound(self, *, created_at, contact=None, partnership=None, **fields):
        contact = contact or self.contact()
        values = {
            "partnership_id": self._pid(partnership),
            "contact_id": contact.id,
            "sender": "+15005550006",
            "body": f"respuesta {next(_numbers)}",
            "kind": "reply",
            "status": "delivered",
            "created_at": created_at,
            "updated_at": created_at,
        }
        return self._add(OutboundMessage(**{**values, **fields}))

    def grievance(self, *, stage="closed", closed_at=None, received_at=None, **fields):
        values = {
            "partnership_id": self.partnership.id,
            "code": codes.new_code(),
            "channel": "sms",
            "stage": stage,
            "description": "El camión tumbó la cerca de mi finca.",
            "complainant_name": "María Lozano",
            "complainant_phone": "3104567890",
            "complainant_email": "maria@example.org",
            "received_at": received_at or days_ago(1000),
            "closed_at": closed_at,
            "stage_changed_at": closed_at or received_at or days_ago(1000),
        }
        grievance = self._add(Grievance(**{**values, **fields}))
        self._add(
            GrievanceEvent(
                partnership_id=grievance.partnership_id,
                grievance_id=grievance.id,
                stage_to=stage,
                note="Llamamos a María.",
            )
        )
        return grievance

    def answer(self, *, closes_at, status="closed", partnership=None, raw="1 sí"):
        consultation = self._add(
            Consultation(
                partnership_id=self._pid(partnership),
                title={"es": "Agua"},
                status=status,
                closes_at=closes_at,
            )
        )
        question = self._add(
            Question(
                consultation_id=consultation.id,
                kind="single",
                text={"es": "¿Agua?"},
                choices=[{"key": "yes", "label": {"es": "Sí"}}],
            )
        )
        response = self._add(Response(consultation_id=consultation.id, channel="sms"))
        answer = self._add(
            Answer(response_id=response.id, question_id=question.id, text="sí", raw=raw)
        )
        self._add(
            AnswerChoice(
                answer_id=answer.id, response_id=response.id, question_id=question.id, choice="yes"
            )
        )
        return answer

    def lead(self):
        if self._lead is None:
            self._lead = self.make.partner(self.partnership, name="Palmas", sector="company")
        return self._lead

    def action(self, *, status="dropped", dropped_at=None, updated_at=None):
        action = self._add(
            Action(
                partnership_id=self.partnership.id,
                title={"es": "Pozo"},
                lead_partner_id=self.lead().id,
                status=status,
                status_reason="Sin fondos",
                updated_at=updated_at or NOW,
            )
        )
        if dropped_at is not None:
            self._add(
                ActionUpdate(
                    partnership_id=action.partnership_id,
                    action_id=action.id,
                    status_from="planned",
                    status_to="dropped",
                    created_at=dropped_at,
                )
            )
        return action

    def evidence(self, action, *, added_at, kind="file"):
        name = secrets.token_hex(16) if kind == "file" else ""
        if kind == "file":
            path = uploads.path_of(action.partnership_id, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4 lista de asistentes")
        return self._add(
            Evidence(
                partnership_id=action.partnership_id,
                action_id=action.id,
                kind=kind,
                title="Acta",
                filename="acta.pdf" if kind == "file" else "",
                url="" if kind == "file" else "https://example.org/acta",
                stored_name=name,
                content_type="application/pdf" if kind == "file" else "",
                added_at=added_at,
            )
        )

    def entry(self, *, created_at, details, partnership=None, object_type="Participant", **rest):
        return self._add(
            AuditEntry(
                partnership_id=self._pid(partnership),
                action=rest.pop("action", "participant.update"),
                object_type=object_type,
                object_id=rest.pop("object_id", 1),
                details=details,
                created_at=created_at,
            )
        )

    def _add(self, row):
        self.session.add(row)
        self.session.flush()
        return row


@pytest.fixture
def rows(session, partnership, make) -> Rows:
    return Rows(session, partnership, make)
