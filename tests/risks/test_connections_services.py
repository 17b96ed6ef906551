"""A partner's connection to a risk through the services: the reasoning is required (a risk
without a connection reasoning is refused and nothing is saved), one connection per partner
per risk, a representative speaks for its own partner only, and the audit log names the
partner and the risk by id, never the reasoning."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.risks import connections
from hsbp.risks.models import RiskConnection
from tests.risks.test_register_services import membership_of, record

REASONING = "Our trucks use the only road to the river and spill palm oil residue."


def connect(session, user, partnership, risk, partner, **overrides):
    values = {
        "connection": "contributes",
        "reasoning": REASONING,
        "relationship_with": "",
    }
    values.update(overrides)
    return connections.add_connection(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        risk=risk,
        partner_id=partner.id if hasattr(partner, "id") else partner,
        **values,
    )


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(RiskConnection))


def test_a_representative_records_its_own_partners_connection(
    session, partnership, company, company_rep
):
    risk = record(session, company_rep, partnership)
    row = connect(
        session,
        company_rep,
        partnership,
        risk,
        company,
        relationship_with="  Transportes   del Sur ",
    )
    assert (row.risk_id, row.partner_id, row.connection) == (risk.id, company.id, "contributes")
    assert (row.reasoning, row.relationship_with) == (REASONING, "Transportes del Sur")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "risk.connect"))
    assert (entry.object_type, entry.object_id) == ("Risk", risk.id)
    assert entry.details == {
        "label": "R-1",
        "connection_id": row.id,
        "partner_id": company.id,
        "connection": "contributes",
    }


@pytest.mark.parametrize("reasoning", ["", "   ", "Because.", "x" * 19, " " * 10 + "y" * 19])
def test_a_connection_without_its_reasoning_is_refused_and_nothing_saved(
    session, partnership, company, facilitator, reasoning
):
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError) as refused:
        connect(session, facilitator, partnership, risk, company, reasoning=reasoning)
    assert refused.value.field == "reasoning"
    assert "at least 20 characters" in str(refused.value.message)
    assert count(session) == 0
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "risk.connect")) is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"connection": "owns"}, "connection"),
        ({"connection": ""}, "connection"),
        ({"reasoning": "x" * 5001}, "reasoning"),
        ({"relationship_with": "x" * 301}, "relationship_with"),
    ],
)
def test_other_refused_values_name_their_field(
    session, partnership, company, facilitator, overrides, field
):
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError) as refused:
        connect(session, facilitator, partnership, risk, company, **overrides)
    assert refused.value.field == field
    assert count(session) == 0


def test_one_connection_per_partner_per_risk(session, partnership, company, facilitator):
    risk = record(session, facilitator, partnership)
    connect(session, facilitator, partnership, risk, company)
    with pytest.raises(ServiceError) as refused:
        connect(session, facilitator, partnership, risk, company, connection="causes")
    assert refused.value.field == "partner_id"
    assert str(refused.value.message) == (
        "Palma del Caguán S.A.'s connection to R-1 is already recorded: change it rather than "
        "adding another."
    )
    assert count(session) == 1


def test_a_representative_cannot_speak_for_another_partner(
    session, partnership, company, municipality, company_rep, facilitator
):
    risk = record(session, company_rep, partnership)
    with pytest.raises(ServiceError) as refused:
        connect(session, company_rep, partnership, risk, municipality)
    assert refused.value.field == "partner_id"
    # A facilitator records any partner's.
    connect(session, facilitator, partnership, risk, municipality, connection="linked")
    assert count(session) == 1


def test_a_partner_of_another_partnership_is_refused(
    session, partnership, other, make, facilitator
):
    stranger = make.partner(other, name="Ajena")
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError):
        connect(session, facilitator, partnership, risk, stranger)
    with pytest.raises(ServiceError):
        connect(session, facilitator, partnership, risk, "abc")
    assert count(session) == 0


def test_observers_record_no_connection(session, partnership, company, facilitator, observer):
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError):
        connect(session, observer, partnership, risk, company)
    assert count(session) == 0


def test_a_representative_who_cannot_read_the_risk_cannot_connect_to_it(
    session, partnership, municipality, facilitator, municipality_rep
):
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError):
        connect(session, municipality_rep, partnership, risk, municipality)
    assert count(session) == 0


def update(session, user, partnership, row, **overrides):
    values = {"connection": row.connection, "reasoning": row.reasoning, "relationship_with": ""}
    values.update(overrides)
    return connections.update_connection(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        row=row,
        **values,
    )


def test_a_connection_is_changed_by_its_partner_and_audited(
    session, partnership, company, company_rep
):
    risk = record(session, company_rep, partnership)
    row = connect(session, company_rep, partnership, risk, company)
    update(
        session,
        company_rep,
        partnership,
        row,
        connection="causes",
        relationship_with="Transportes del Sur",
    )
    assert (row.connection, row.relationship_with) == ("causes", "Transportes del Sur")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "risk.connection_update"))
    assert entry.details == {
        "label": "R-1",
        "connection_id": row.id,
        "partner_id": company.id,
        "changed": ["connection", "relationship_with"],
        "connection": "causes",
    }


def test_a_change_without_reasoning_keeps_the_connection_as_it_was(
    session, partnership, company, company_rep
):
    risk = record(session, company_rep, partnership)
    row = connect(session, company_rep, partnership, risk, company)
    with pytest.raises(ServiceError) as refused:
        update(session, company_rep, partnership, row, connection="causes", reasoning="short")
    assert refused.value.field == "reasoning"
    assert (row.connection, row.reasoning) == ("contributes", REASONING)


def test_another_partner_cannot_change_a_connection(
    session, partnership, company, facilitator, municipality_rep
):
    risk = record(session, facilitator, partnership)
    row = connect(session, facilitator, partnership, risk, company)
    with pytest.raises(ServiceError):
        update(session, municipality_rep, partnership, row, connection="linked")
    assert row.connection == "contributes"
