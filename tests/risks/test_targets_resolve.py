"""What a member types or picks to link a risk becomes a row of their partnership, or a clear
refusal: an id of another partnership is refused exactly like one that does not exist, and a
grievance or incident the member may not read is refused without saying it exists. The
helpers here make the rows the other links tests use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hsbp.actions.models import Action
from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeValidation
from hsbp.errors import ServiceError
from hsbp.grievances import codes
from hsbp.grievances.models import Grievance, GrievanceOfficer
from hsbp.monitoring import pulses
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.pulse_models import DIMENSIONS
from hsbp.partnerships.models import Membership
from hsbp.principles.models import CharterVersion
from hsbp.risks import targets
from hsbp.risks.incident_models import Incident
from hsbp.risks.models import Risk
from hsbp.security import Role

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# Rows ------------------------------------------------------------------------------------------


def add_risk(session, partnership, number=1, kind="potential", **fields):
    risk = Risk(
        partnership_id=partnership.id,
        number=number,
        kind=kind,
        title={"es": f"Riesgo {number}", "en": f"Risk {number}"},
        **fields,
    )
    session.add(risk)
    session.flush()
    return risk


def add_grievance(session, partnership, partner=None, stage="received", rating=None):
    row = Grievance(
        partnership_id=partnership.id,
        code=codes.new_code(),
        channel="web",
        description="Texto confidencial de la queja",
        complainant_name="Nombre secreto",
        partner_id=partner.id if partner else None,
        stage=stage,
        rating=rating,
    )
    session.add(row)
    session.flush()
    return row


def add_incident(session, partnership, number=1, **fields):
    row = Incident(
        partnership_id=partnership.id,
        number=number,
        channel="web",
        description="Hombres armados en la vereda",
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def add_action(session, partnership, partner, title="Tanques de agua", status="planned", **fields):
    row = Action(
        partnership_id=partnership.id,
        title={"es": title, "en": f"{title} (en)"},
        lead_partner_id=partner.id,
        status=status,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def add_indicator(session, partnership, name="Acceso al agua"):
    row = Indicator(
        partnership_id=partnership.id,
        name={"es": name},
        baseline_value=20,
        baseline_on=WHEN.date(),
        target_value=40,
        target_on=WHEN.date() + timedelta(days=365),
    )
    session.add(row)
    session.flush()
    return row


OUTCOME = {
    "needs": [{"key": "n1", "text": {"es": "Agua limpia para la vereda"}, "goal_key": None}],
    "risks": [{"key": "r1", "text": {"es": "Conflicto por el río"}, "goal_key": None}],
}


def add_outcome(session, partnership, validated=True, superseded=False, title="Consulta del río"):
    """A consultation whose outcome went to the partners in one round, validated or not."""
    consultation = Consultation(
        partnership_id=partnership.id, title={"es": title}, status="closed", outcome=OUTCOME
    )
    session.add(consultation)
    session.flush()
    row = OutcomeValidation(
        partnership_id=partnership.id,
        consultation_id=consultation.id,
        outcome={s: [{"key": i["key"], "text": i["text"]} for i in v] for s, v in OUTCOME.items()},
        deadline=WHEN + timedelta(days=14),
        validated_at=WHEN if validated else None,
        superseded_at=WHEN if superseded else None,
    )
    session.add(row)
    session.flush()
    return row


def add_pulse(session, make, partnership, facilitator):
    """Companies score 4 everywhere; community groups too, but 2 for trust between partners:
    one gap, in mutual_trust."""
    pulse_round = pulses.open_round(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": {"es": "Pulso 1", "en": "Pulse 1"},
            "closes_at": datetime.now(UTC) + timedelta(days=7),
        },
    )
    for sector, trust in (("company", 4), ("community_group", 2)):
        partner = make.partner(partnership, sector=sector)
        for _ in range(5):
            member = make.member(partnership, Role.REPRESENTATIVE, partner=partner)
            scores = {d: "4" for d in DIMENSIONS} | {"mutual_trust": str(trust)}
            pulses.record_scores(session, pulse_round, member, scores)
    pulses.close_round(session, pulse_round)
    return pulse_round


def adopt_charter(session, partnership, **content):
    session.add(
        CharterVersion(partnership_id=partnership.id, number=1, status="adopted", content=content)
    )
    session.flush()


def membership_of(session, user, partnership) -> Membership:
    return session.query(Membership).filter_by(user_id=user.id, partnership_id=partnership.id).one()


def refusal(session, membership, kind, ref) -> str:
    with pytest.raises(ServiceError) as raised:
        targets.resolve(session, membership=membership, kind=kind, ref=ref)
    assert raised.value.field == "ref"
    return str(raised.value.message)


# Grievances ------------------------------------------------------------------------------------


def test_a_grievance_is_found_by_its_code_as_people_type_it(
    session, partnership, facilitator, municipality
):
    grievance = add_grievance(session, partnership, municipality)
    member = membership_of(session, facilitator, partnership)
    typed = f" {grievance.code[:4]}-{grievance.code[4:]} "
    found = targets.resolve(session, membership=member, kind="grievance", ref=typed)
    assert found == targets.Target(grievance.id, "", codes.shown(grievance.code))


def test_a_grievance_of_another_partnership_is_refused_like_a_missing_one(
    session, make, partnership, other, facilitator
):
    elsewhere = add_grievance(session, other)
    missing = codes.new_code()
    while missing == elsewhere.code:
        missing = codes.new_code()
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "grievance", elsewhere.code) == (
        f"No grievance you may see has the code {codes.shown(elsewhere.code)}."
    )
    assert refusal(session, member, "grievance", missing) == (
        f"No grievance you may see has the code {codes.shown(missing)}."
    )


@pytest.mark.parametrize("typed", ["1234", "abcdefgh", "", "123456789"])
def test_a_malformed_grievance_code_is_refused(session, partnership, facilitator, typed):
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "grievance", typed) == (
        "A grievance code has eight digits, as on the complainant's receipt: 4827 1936."
    )


def test_a_mistyped_grievance_code_is_refused_as_malformed(session, partnership, facilitator):
    grievance = add_grievance(session, partnership)
    while grievance.code[0] == grievance.code[1]:
        grievance.code = codes.new_code()
    swapped = grievance.code[1] + grievance.code[0] + grievance.code[2:]
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "grievance", swapped).startswith("A grievance code has")


def test_a_representative_links_only_the_grievances_of_its_own_partner(
    session, partnership, company_rep, company, municipality
):
    own = add_grievance(session, partnership, company)
    others = add_grievance(session, partnership, municipality)
    member = membership_of(session, company_rep, partnership)
    assert targets.resolve(
        session, membership=member, kind="grievance", ref=own.code
    ).target_id == (own.id)
    # The same words as for a code that does not exist: nothing tells it is there.
    assert refusal(session, member, "grievance", others.code) == (
        f"No grievance you may see has the code {codes.shown(others.code)}."
    )


def test_observers_link_no_grievance_but_officers_link_any(
    session, make, partnership, observer, company
):
    grievance = add_grievance(session, partnership, company)
    member = membership_of(session, observer, partnership)
    assert refusal(session, member, "grievance", grievance.code).startswith("No grievance you")
    officer = make.member(partnership, Role.OBSERVER)
    session.add(
        GrievanceOfficer(
            partnership_id=partnership.id,
            user_id=officer.id,
            role=Role.OBSERVER,
            independent=True,
            granted_at=datetime.now(UTC) + timedelta(seconds=1),
        )
    )
    session.flush()
    found = targets.resolve(
        session,
        membership=membership_of(session, officer, partnership),
        kind="grievance",
        ref=grievance.code,
    )
    assert found.target_id == grievance.id


# Incidents -------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["I-7", "i7", "I 7", "7", " #7 "])
def test_an_incident_is_found_by_its_number(session, partnership, facilitator, typed):
    incident = add_incident(session, partnership, number=7)
    member = membership_of(session, facilitator, partnership)
    found = targets.resolve(session, membership=member, kind="incident", ref=typed)
    assert found == targets.Target(incident.id, "", "I-7")


def test_an_incident_of_another_partnership_is_refused_like_a_missing_one(
    session, partnership, other, facilitator
):
    add_incident(session, other, number=3)
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "incident", "I-3") == (
        "No incident you may read has the number I-3."
    )
    assert refusal(session, member, "incident", "I-4") == (
        "No incident you may read has the number I-4."
    )


@pytest.mark.parametrize("typed", ["R-7", "I-", "I-x", "", "I-99999999999"])
def test_a_malformed_incident_number_is_refused(session, partnership, facilitator, typed):
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "incident", typed) == (
        "Write the incident's number, for example I-7."
    )


def test_incidents_are_linked_by_the_partners_the_charter_names_only(
    session, partnership, company_rep, municipality_rep, company
):
    add_incident(session, partnership, number=2)
    adopt_charter(session, partnership, incident_partners=[company.id])
    named = membership_of(session, company_rep, partnership)
    assert targets.resolve(session, membership=named, kind="incident", ref="I-2").label == "I-2"
    other = membership_of(session, municipality_rep, partnership)
    assert refusal(session, other, "incident", "I-2") == (
        "No incident you may read has the number I-2."
    )


# Outcome items ---------------------------------------------------------------------------------


def test_an_item_of_a_validated_outcome_is_found_with_its_text(session, partnership, facilitator):
    validation = add_outcome(session, partnership)
    member = membership_of(session, facilitator, partnership)
    found = targets.resolve(
        session, membership=member, kind="outcome_item", ref=f"{validation.id}:r1"
    )
    assert found == targets.Target(validation.id, "r1", "Conflicto por el río")


@pytest.mark.parametrize("state", ["open", "superseded", "other", "no_item"])
def test_items_of_outcomes_not_validated_or_elsewhere_are_refused(
    session, partnership, other, facilitator, state
):
    validation = add_outcome(
        session,
        other if state == "other" else partnership,
        validated=state != "open",
        superseded=state == "superseded",
    )
    key = "zz" if state == "no_item" else "r1"
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "outcome_item", f"{validation.id}:{key}") == (
        "This item is not in a consultation outcome the partners validated."
    )


@pytest.mark.parametrize("typed", ["r1", "x:r1", "7:", ":r1", "7:" + "k" * 41])
def test_a_malformed_outcome_item_is_refused(session, partnership, facilitator, typed):
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "outcome_item", typed) == (
        "Choose an item of a consultation outcome the partners validated."
    )


# Pulse gaps ------------------------------------------------------------------------------------


def test_a_pulse_gap_is_found_by_its_round_and_dimension(
    session, make, partnership, facilitator, app
):
    pulse_round = add_pulse(session, make, partnership, facilitator)
    member = membership_of(session, facilitator, partnership)
    found = targets.resolve(
        session, membership=member, kind="pulse_gap", ref=f"{pulse_round.id}:mutual_trust"
    )
    assert found == targets.Target(
        pulse_round.id, "mutual_trust", "Trust between partners, pulse round “Pulse 1”"
    )


def test_a_dimension_without_a_gap_is_refused(session, make, partnership, facilitator):
    pulse_round = add_pulse(session, make, partnership, facilitator)
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "pulse_gap", f"{pulse_round.id}:equity") == (
        "This pulse round shows no gap in Equity between constituencies."
    )


def test_a_pulse_round_of_another_partnership_is_refused_like_a_missing_one(
    session, make, partnership, other, facilitator
):
    elsewhere = add_pulse(session, make, other, make.member(other, Role.FACILITATOR))
    member = membership_of(session, facilitator, partnership)
    for ref in (f"{elsewhere.id}:mutual_trust", f"{elsewhere.id + 1000}:mutual_trust"):
        assert refusal(session, member, "pulse_gap", ref) == (
            "There is no such pulse round in this partnership."
        )


@pytest.mark.parametrize("typed", ["1:kindness", "mutual_trust", "x:mutual_trust"])
def test_a_malformed_pulse_gap_is_refused(session, partnership, facilitator, typed):
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, "pulse_gap", typed) == (
        "Choose a gap between constituencies of a pulse round."
    )


# Actions and indicators --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["action", "indicator"])
def test_actions_and_indicators_are_found_by_id(session, partnership, facilitator, company, kind):
    row = (
        add_action(session, partnership, company)
        if kind == "action"
        else add_indicator(session, partnership)
    )
    member = membership_of(session, facilitator, partnership)
    # The reader reads English; an indicator with Spanish only falls back to it.
    label = "Tanques de agua (en)" if kind == "action" else "Acceso al agua"
    for typed in (str(row.id), f"#{row.id}"):
        found = targets.resolve(session, membership=member, kind=kind, ref=typed)
        assert found == targets.Target(row.id, "", label)


@pytest.mark.parametrize("kind", ["action", "indicator"])
def test_actions_and_indicators_of_another_partnership_are_refused_like_missing_ones(
    session, make, partnership, other, facilitator, kind
):
    elsewhere = (
        add_action(session, other, make.partner(other))
        if kind == "action"
        else add_indicator(session, other)
    )
    member = membership_of(session, facilitator, partnership)
    message = f"There is no such {kind} in this partnership."
    assert refusal(session, member, kind, str(elsewhere.id)) == message
    assert refusal(session, member, kind, str(elsewhere.id + 1000)) == message


@pytest.mark.parametrize(
    ("kind", "message"),
    [("action", "Choose an action of the checklist."), ("indicator", "Choose an indicator.")],
)
@pytest.mark.parametrize("typed", ["", "x", "0", "-3", "99999999999", "\uff11\uff12"])
def test_malformed_action_and_indicator_ids_are_refused(
    session, partnership, facilitator, kind, message, typed
):
    member = membership_of(session, facilitator, partnership)
    assert refusal(session, member, kind, typed) == message


def test_an_unknown_kind_is_refused(session, partnership, facilitator):
    member = membership_of(session, facilitator, partnership)
    with pytest.raises(ServiceError) as raised:
        targets.resolve(session, membership=member, kind="risk", ref="1")
    assert str(raised.value.message) == "This cannot be linked to a risk."
