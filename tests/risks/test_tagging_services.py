"""Tagging goals, actions, indicators and risks with framework references: the whole set
replaced at once, a reference that does not exist refused with nothing saved, subjects of
another partnership refused, who may tag what, the audit log, and tags read in one query."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership
from hsbp.risks import tagging
from hsbp.risks.framework_models import FrameworkTag
from tests.risks import framework_rows as rows


def membership_of(session, user, partnership) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


def stored(session, partnership) -> list[tuple[str, str, str]]:
    found = session.execute(
        select(FrameworkTag.subject_kind, FrameworkTag.subject_key, FrameworkTag.reference)
        .where(FrameworkTag.partnership_id == partnership.id)
        .order_by(FrameworkTag.subject_kind, FrameworkTag.subject_key, FrameworkTag.reference)
    )
    return [tuple(row) for row in found]


def audit_entries(session, partnership) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.partnership_id == partnership.id,
                AuditEntry.action.startswith("framework."),
            )
            .order_by(AuditEntry.id)
        )
    )


def test_set_tags_stores_the_references_in_official_order_and_audits_them(
    session, partnership, company, facilitator
):
    risk = rows.risk(session, partnership, 1, connections=[(company, "contributes")])
    saved = tagging.set_tags(
        session,
        partnership_id=partnership.id,
        kind="risk",
        key=str(risk.id),
        references=["ifc:PS4", "ungp:13", "ifc:PS4", " ungp:17 "],
        actor_id=facilitator.id,
    )
    assert saved == ["ungp:13", "ungp:17", "ifc:PS4"]
    assert stored(session, partnership) == [
        ("risk", str(risk.id), "ifc:PS4"),
        ("risk", str(risk.id), "ungp:13"),
        ("risk", str(risk.id), "ungp:17"),
    ]
    [entry] = audit_entries(session, partnership)
    assert (entry.action, entry.object_type, entry.object_id) == ("framework.tag", "Risk", risk.id)
    assert entry.details["added"] == ["ungp:13", "ungp:17", "ifc:PS4"]
    assert entry.details["removed"] == []
    assert entry.actor_id == facilitator.id


def test_set_tags_replaces_the_whole_set(session, partnership, company, facilitator):
    action = rows.action(session, partnership, company)
    key = str(action.id)
    common = {"partnership_id": partnership.id, "kind": "action", "key": key}
    tagging.set_tags(session, **common, references=["ifc:PS4", "ungp:13"], actor_id=facilitator.id)
    tagging.set_tags(session, **common, references=["ifc:PS1", "ifc:PS4"], actor_id=facilitator.id)
    found = tagging.tags_of(session, partnership_id=partnership.id, kind="action", keys=[action.id])
    assert found == {key: ["ifc:PS1", "ifc:PS4"]}
    last = audit_entries(session, partnership)[-1]
    assert last.details["added"] == ["ifc:PS1"]
    assert last.details["removed"] == ["ungp:13"]
    # The same set again changes nothing and writes nothing.
    tagging.set_tags(session, **common, references=["ifc:PS4", "ifc:PS1"], actor_id=facilitator.id)
    assert len(audit_entries(session, partnership)) == 2
    tagging.set_tags(session, **common, references=[], actor_id=facilitator.id)
    assert stored(session, partnership) == []


def test_a_code_typed_in_another_case_is_the_reference(session, partnership, company, facilitator):
    action = rows.action(session, partnership, company)
    saved = tagging.set_tags(
        session,
        partnership_id=partnership.id,
        kind="action",
        key=str(action.id),
        references=["IFC:ps4", "UNGP:13"],
        actor_id=facilitator.id,
    )
    assert saved == ["ungp:13", "ifc:PS4"]


def test_an_unknown_reference_is_refused_by_name_with_nothing_saved(
    session, partnership, company, facilitator
):
    action = rows.action(session, partnership, company)
    common = {"partnership_id": partnership.id, "kind": "action", "key": str(action.id)}
    tagging.set_tags(session, **common, references=["ifc:PS4"], actor_id=facilitator.id)
    with pytest.raises(ServiceError) as refused:
        tagging.set_tags(
            session,
            **common,
            references=["ifc:PS1", "ifc:PS99", "ungp:13", "iso:9001"],
            actor_id=facilitator.id,
        )
    assert str(refused.value.message) == (
        "There is no framework reference “ifc:PS99”, “iso:9001”: check the code, or choose "
        "the reference from the lists below."
    )
    assert refused.value.field == "code"
    assert stored(session, partnership) == [("action", str(action.id), "ifc:PS4")]
    assert len(audit_entries(session, partnership)) == 1


def test_a_subject_of_another_partnership_is_refused(
    session, make, partnership, other, facilitator
):
    elsewhere = make.partner(other, name="Petrolera del Putumayo")
    action = rows.action(session, other, elsewhere)
    risk = rows.risk(session, other, 1)
    for kind, key in (("action", action.id), ("risk", risk.id), ("indicator", 999999)):
        with pytest.raises(ServiceError) as refused:
            tagging.set_tags(
                session,
                partnership_id=partnership.id,
                kind=kind,
                key=str(key),
                references=["ifc:PS4"],
                actor_id=facilitator.id,
            )
        assert str(refused.value.message) == "There is nothing here to tag."
    assert stored(session, partnership) == [] and stored(session, other) == []


@pytest.mark.parametrize(
    ("kind", "key"), [("thing", "1"), ("action", "007"), ("action", "abc"), ("goal", "zz")]
)
def test_an_unknown_kind_or_key_is_no_subject(session, partnership, kind, key):
    assert tagging.subject_of(session, partnership_id=partnership.id, kind=kind, key=key) is None


def test_goals_are_those_of_the_charter_in_force_or_the_latest_version(
    session, partnership, facilitator
):
    rows.charter(
        session,
        partnership,
        status="superseded",
        number=1,
        goals=[{"key": "c" * 32, "title": {"es": "Meta retirada"}, "due": None}],
    )
    rows.charter(session, partnership, status="adopted", number=2)
    rows.charter(
        session,
        partnership,
        status="draft",
        number=3,
        goals=[{"key": "d" * 32, "title": {"es": "Meta nueva"}, "due": None}],
    )
    for key in (rows.WATER, "d" * 32):
        tagging.set_tags(
            session,
            partnership_id=partnership.id,
            kind="goal",
            key=key,
            references=["sdg:6.1"],
            actor_id=facilitator.id,
        )
    with pytest.raises(ServiceError):
        tagging.set_tags(
            session,
            partnership_id=partnership.id,
            kind="goal",
            key="c" * 32,
            references=["sdg:6.1"],
            actor_id=facilitator.id,
        )
    assert stored(session, partnership) == [
        ("goal", rows.WATER, "sdg:6.1"),
        ("goal", "d" * 32, "sdg:6.1"),
    ]
    entry = audit_entries(session, partnership)[0]
    assert (entry.action, entry.object_type) == ("framework.tag_goal", "CharterVersion")
    assert entry.details["subject_key"] == rows.WATER


def test_who_may_tag_what(
    session,
    partnership,
    company,
    municipality,
    facilitator,
    company_rep,
    municipality_rep,
    civil_society_rep,
    observer,
):
    rows.charter(session, partnership)
    action = rows.action(session, partnership, company)
    indicator = rows.indicator(session, partnership)
    risk = rows.risk(session, partnership, 1, connections=[(company, "contributes")])

    def may(user, kind, key) -> bool:
        subject = tagging.subject_of(session, partnership_id=partnership.id, kind=kind, key=key)
        return tagging.may_tag(session, membership_of(session, user, partnership), subject)

    subjects = [
        ("goal", rows.WATER),
        ("action", str(action.id)),
        ("indicator", str(indicator.id)),
        ("risk", str(risk.id)),
    ]
    assert [may(facilitator, *s) for s in subjects] == [True, True, True, True]
    # The lead partner's representative edits its action (the default rule "lead") and the
    # risk its partner is connected to; goals and indicators are the facilitators'.
    assert [may(company_rep, *s) for s in subjects] == [False, True, False, True]
    assert [may(municipality_rep, *s) for s in subjects] == [False, False, False, False]
    assert [may(civil_society_rep, *s) for s in subjects] == [False, False, False, False]
    assert [may(observer, *s) for s in subjects] == [False, False, False, False]


def test_set_tags_with_a_membership_refuses_who_may_not_tag(
    session, partnership, company, municipality_rep
):
    action = rows.action(session, partnership, company)
    with pytest.raises(ServiceError) as refused:
        tagging.set_tags(
            session,
            partnership_id=partnership.id,
            kind="action",
            key=str(action.id),
            references=["ifc:PS4"],
            actor_id=municipality_rep.id,
            membership=membership_of(session, municipality_rep, partnership),
        )
    assert str(refused.value.message) == (
        "You may not change the framework references of this item."
    )
    assert stored(session, partnership) == []


def test_tags_of_reads_any_number_of_subjects_in_one_query(
    session, partnership, company, count_queries
):
    actions = [rows.action(session, partnership, company, title=f"A{n}") for n in range(30)]
    for action in actions:
        rows.tag(session, partnership, "action", action.id, "ifc:PS4", "ungp:13")
    rows.tag(session, partnership, "risk", actions[0].id, "ifc:PS1")  # another kind
    with count_queries() as counted:
        found = tagging.tags_of(
            session, partnership_id=partnership.id, kind="action", keys=[a.id for a in actions]
        )
    assert counted["n"] == 1
    assert found[str(actions[0].id)] == ["ungp:13", "ifc:PS4"]
    assert len(found) == 30


def test_the_shared_record_tells_the_change_in_a_sentence(
    session, partnership, company, facilitator
):
    action = rows.action(session, partnership, company)
    tagging.set_tags(
        session,
        partnership_id=partnership.id,
        kind="action",
        key=str(action.id),
        references=["ifc:PS4"],
        actor_id=facilitator.id,
    )
    [entry] = audit_entries(session, partnership)
    labels = audit_text.load_labels(
        session,
        partnership_id=partnership.id,
        wanted=audit_text.wanted_labels([entry]),
        locale="en",
        fallback="es",
    )
    sentence = audit_text.sentence(
        entry, labels=labels, partnership_id=partnership.id, role=None, locale="en"
    )
    assert str(sentence) == (
        "<bdi>Fabiola</bdi> changed the framework references of the action "
        "“<bdi>Planta de tratamiento (en)</bdi>”."
    )
