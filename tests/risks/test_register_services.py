"""Recording and changing risks through the services: numbering per partnership, texts per
language, checked values with the field they concern (nothing half-saved), salience kept in
step, status changes with their reason, the audit log by id and number, and a risk raised
from where it was seen (a grievance) linked to it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.grievances import services as grievances
from hsbp.partnerships.models import Membership
from hsbp.risks import services
from hsbp.risks.models import Risk, RiskLink


def membership_of(session, user, partnership) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


def risk_fields(**overrides) -> dict:
    values = {
        "title": {"es": "Contaminación del río", "en": "River pollution"},
        "description": {"es": "Vertimientos de la planta extractora."},
        "kind": "potential",
        "affected_groups": "Pescadores de la vereda",
        "localities": [],
        "other_localities": "Peñas Blancas",
        "rights": ["water_sanitation", "health"],
        "dimensions": ["environmental", "health"],
        "scale": "3",
        "scope": "2",
        "irremediability": "3",
        "likelihood": "2",
    }
    return {**values, **overrides}


def record(session, user, partnership, source=None, **overrides) -> Risk:
    """A risk recorded by `user` through the service."""
    return services.create_risk(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        partnership=partnership,
        fields=risk_fields(**overrides),
        source=source,
    )


def entries(session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_a_risk_is_numbered_in_its_partnership_with_its_salience(
    session, partnership, other, facilitator, outsider
):
    first = record(session, facilitator, partnership)
    second = record(session, facilitator, partnership, scale="4", likelihood="1")
    elsewhere = record(session, outsider, other)
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.title == {"es": "Contaminación del río", "en": "River pollution"}
    assert first.description == {"es": "Vertimientos de la planta extractora."}
    assert first.localities == ["Peñas Blancas"]
    assert first.rights == ["health", "water_sanitation"]  # in the list's order
    assert first.dimensions == ["health", "environmental"]
    assert (first.scale, first.scope, first.irremediability, first.likelihood) == (3, 2, 3, 2)
    assert first.salience == 82
    assert second.salience == 91
    assert (first.status, first.kind, first.created_by_id) == ("open", "potential", facilitator.id)


def test_an_actual_impact_counts_as_certain(session, partnership, facilitator):
    risk = record(session, facilitator, partnership, kind="actual", likelihood="1")
    assert (risk.likelihood, risk.salience) == (4, 84)


def test_one_title_in_any_language_is_enough(session, partnership, facilitator):
    risk = record(session, facilitator, partnership, title={"en": "Land grabbing", "es": "  "})
    assert risk.title == {"en": "Land grabbing"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": {"es": " ", "en": ""}}, "title-es"),
        ({"title": {"es": "x" * 201}}, "title-es"),
        ({"kind": "imagined"}, "kind"),
        ({"rights": ["health", "flying"]}, "rights"),
        ({"dimensions": ["spiritual"]}, "dimensions"),
        ({"scale": "5"}, "scale"),
        ({"scope": ""}, "scope"),
        ({"irremediability": "\uff10"}, "irremediability"),
        ({"likelihood": "2.5"}, "likelihood"),
        ({"other_localities": "x" * 201}, "other_localities"),
        ({"affected_groups": "x" * 2001}, "affected_groups"),
    ],
)
def test_a_refused_value_names_its_field_and_saves_nothing(
    session, partnership, facilitator, overrides, field
):
    with pytest.raises(ServiceError) as refused:
        record(session, facilitator, partnership, **overrides)
    assert refused.value.field == field
    assert session.scalar(select(func.count()).select_from(Risk)) == 0
    assert entries(session, "risk.create") == []


def test_observers_do_not_record_risks(session, partnership, observer):
    with pytest.raises(ServiceError):
        record(session, observer, partnership)
    assert session.scalar(select(func.count()).select_from(Risk)) == 0


def test_a_typed_place_takes_the_spelling_already_known(session, partnership, facilitator):
    record(session, facilitator, partnership, other_localities="Peñas Blancas\nLa Tagua")
    risk = record(
        session, facilitator, partnership, localities=["La Tagua"], other_localities="penas blancas"
    )
    assert risk.localities == ["La Tagua", "Peñas Blancas"]


def test_creating_and_updating_are_audited_by_id_and_number(session, partnership, facilitator):
    risk = record(session, facilitator, partnership)
    services.update_risk(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        partnership=partnership,
        risk=risk,
        fields=risk_fields(scale="4", title={"es": "Río contaminado"}),
    )
    assert risk.salience == 92
    assert risk.title == {"es": "Río contaminado"}
    created, updated = entries(session, "risk.create"), entries(session, "risk.update")
    assert [(e.object_type, e.object_id, e.details) for e in created] == [
        ("Risk", risk.id, {"label": "R-1", "kind": "potential", "salience": 82})
    ]
    assert [e.details for e in updated] == [
        {"label": "R-1", "changed": ["title", "scale"], "salience": 92}
    ]


def test_an_update_changing_nothing_writes_no_entry(session, partnership, facilitator):
    risk = record(session, facilitator, partnership)
    services.update_risk(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        partnership=partnership,
        risk=risk,
        fields=risk_fields(),
    )
    assert entries(session, "risk.update") == []


def test_a_representative_not_connected_cannot_change_anothers_risk(
    session, partnership, facilitator, municipality_rep
):
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError):
        services.update_risk(
            session,
            actor=municipality_rep,
            membership=membership_of(session, municipality_rep, partnership),
            partnership=partnership,
            risk=risk,
            fields=risk_fields(scale="1"),
        )
    assert risk.scale == 3


def change(session, user, partnership, risk, status, reason=""):
    return services.change_status(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        risk=risk,
        status=status,
        reason=reason,
    )


def test_closing_needs_a_reason_and_reopening_clears_it(session, partnership, company_rep):
    risk = record(session, company_rep, partnership)
    with pytest.raises(ServiceError) as refused:
        change(session, company_rep, partnership, risk, "addressed", "  ")
    assert refused.value.field == "reason"
    assert risk.status == "open"
    change(session, company_rep, partnership, risk, "addressed", "Filters installed.")
    assert (risk.status, risk.status_reason) == ("addressed", "Filters installed.")
    assert risk.closed_at is not None
    change(session, company_rep, partnership, risk, "open")
    assert (risk.status, risk.status_reason, risk.closed_at) == ("open", "", None)
    assert [e.details for e in entries(session, "risk.status")] == [
        {"label": "R-1", "status": ["open", "addressed"]},
        {"label": "R-1", "status": ["addressed", "open"]},
    ]


@pytest.mark.parametrize("status", ["open", "gone", ""])
def test_a_status_that_is_no_change_or_unknown_is_refused(
    session, partnership, facilitator, status
):
    risk = record(session, facilitator, partnership)
    with pytest.raises(ServiceError) as refused:
        change(session, facilitator, partnership, risk, status, "because")
    assert refused.value.field == "status"
    assert entries(session, "risk.status") == []


def test_a_risk_raised_from_a_grievance_is_linked_to_it(session, partnership, facilitator, company):
    grievance = grievances.file_grievance(
        session,
        partnership=partnership,
        channel="public",
        description="El río huele mal desde la semana pasada.",
        locale="es",
        complainant=grievances.Complainant(name="María Lozano"),
        partner_id=company.id,
    )
    risk = record(session, facilitator, partnership, source=("grievance", grievance.code))
    links = session.scalars(select(RiskLink).where(RiskLink.risk_id == risk.id)).all()
    assert [(link.kind, link.target_id, link.key) for link in links] == [
        ("grievance", grievance.id, "")
    ]


def test_a_source_not_found_refuses_the_risk(session, partnership, facilitator):
    with pytest.raises(ServiceError):
        record(session, facilitator, partnership, source=("grievance", "0000 0000"))
    with pytest.raises(ServiceError):
        record(session, facilitator, partnership, source=("action", "1"))
    assert session.scalar(select(func.count()).select_from(Risk)) == 0


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("grievance:4827 1936", ("grievance", "4827 1936")),
        ("pulse_gap:12:trust", ("pulse_gap", "12:trust")),
        ("incident:I-7", ("incident", "I-7")),
        ("action:3", None),
        ("grievance:", None),
        ("grievance", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_source(text, parsed):
    assert services.parse_source(text) == parsed
