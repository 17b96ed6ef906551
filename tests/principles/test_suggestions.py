"""Suggestions on a draft charter through their services: suggesting, accepting, declining,
withdrawing, lapsing on proposal, every refusal, and the items they give "Needs me"."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.notifications.items import items_for
from hsbp.partnerships.models import Membership
from hsbp.principles import services, suggestions
from hsbp.principles.suggestion_models import CharterSuggestion
from hsbp.security import Role
from tests.principles import GOAL_KEY, adopted_version, charter_content, partnership_with


def draft_of(session, setup, content=None):
    version = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=content or charter_content(),
    )
    return version


def suggest(session, setup, version, *, who=0, clause="principles/trust", **fields):
    values = {"wording": {"es": "Publicamos cada decisión."}, "comment": "Más claro."}
    values.update(fields)
    return suggestions.suggest(
        session,
        actor=setup.representatives[who],
        partnership=setup.partnership,
        version=version,
        clause=clause,
        **values,
    )


def refused(call, **kwargs) -> tuple[str, str | None]:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    return str(error.value.message), error.value.field


def audit_of(session, partnership):
    return session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.partnership_id == partnership.id)
        .where(AuditEntry.action.like("charter.suggestion.%"))
        .order_by(AuditEntry.id)
    ).all()


def test_suggestion_keeps_the_clause_as_it_was_and_only_changed_languages(session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    wording = {"es": "Publicamos cada decisión.", "en": "Commitment trust", "fr": "ignored"}
    suggestion = suggest(session, setup, version, wording=wording, comment="  Más claro. ")
    assert suggestion.status == "open"
    assert suggestion.before == {"es": "Compromiso trust", "en": "Commitment trust"}
    assert suggestion.wording == {"es": "Publicamos cada decisión."}
    assert suggestion.comment == "Más claro."
    assert suggestion.partner_id == setup.partners[0].id
    assert suggestion.author_id == setup.representatives[0].id
    [(action, details)] = audit_of(session, setup.partnership)
    assert action == "charter.suggestion.create"
    assert details == {
        "number": 1,
        "suggestion_id": suggestion.id,
        "clause": "principles/trust",
        "partner_id": setup.partners[0].id,
        "languages": ["es"],
    }


def test_accepting_puts_the_wording_into_the_draft_with_one_audit_entry(session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    suggestion = suggest(
        session, setup, version, clause=f"goals/{GOAL_KEY}/target", wording={"en": " 3 cases "}
    )
    found = suggestions.accept(
        session, actor=setup.facilitator, partnership=setup.partnership, suggestion=suggestion
    )
    assert [change.path for change in found] == [("goals", GOAL_KEY, "target", "en")]
    assert version.content["goals"][0]["target"] == {"es": "4 casos", "en": "3 cases"}
    assert (suggestion.status, suggestion.decided_by_id) == ("accepted", setup.facilitator.id)
    assert suggestion.decided_at is not None
    entries = audit_of(session, setup.partnership)
    assert [a for a, _ in entries] == ["charter.suggestion.create", "charter.suggestion.accept"]
    assert entries[1][1]["changed"] == [f"goals/{GOAL_KEY}/target/en"]
    assert entries[1][1]["suggestion_id"] == suggestion.id


def test_a_role_suggestion_adds_the_partners_role(session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    partner = setup.partners[1]
    suggestion = suggest(
        session, setup, version, clause=f"roles/{partner.id}", wording={"es": "Aporta tierra."}
    )
    suggestions.accept(
        session, actor=setup.facilitator, partnership=setup.partnership, suggestion=suggestion
    )
    assert version.content["roles"] == [
        {"partner_id": partner.id, "text": {"es": "Aporta tierra."}}
    ]


def test_accepting_after_the_draft_moved_keeps_other_languages(session, make):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    suggestion = suggest(session, setup, version, wording={"es": "Nuevo texto."})
    edited = charter_content()
    edited["principles"]["trust"] = {"es": "Otro texto.", "en": "Edited meanwhile."}
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=edited,
    )
    suggestions.accept(
        session, actor=setup.facilitator, partnership=setup.partnership, suggestion=suggestion
    )
    assert version.content["principles"]["trust"] == {
        "es": "Nuevo texto.",
        "en": "Edited meanwhile.",
    }
    assert suggestion.before == {"es": "Compromiso trust", "en": "Commitment trust"}


def test_a_decided_suggestion_cannot_be_decided_again(session, make):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    first = suggest(session, setup, version)
    suggestions.decline(session, actor=setup.facilitator, suggestion=first, reason=" Ya está. ")
    assert (first.status, first.reason) == ("declined", "Ya está.")
    before = dict(version.content["principles"]["trust"])
    assert refused(
        suggestions.accept,
        session=session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        suggestion=first,
    ) == ("This suggestion has already been declined.", None)
    assert version.content["principles"]["trust"] == before
    second = suggest(session, setup, version)
    suggestions.accept(
        session, actor=setup.facilitator, partnership=setup.partnership, suggestion=second
    )
    assert refused(
        suggestions.decline,
        session=session,
        actor=setup.facilitator,
        suggestion=second,
        reason="No",
    ) == ("This suggestion has already been accepted.", None)
    assert second.status == "accepted"


def test_declining_needs_a_reason_and_a_facilitator(session, make):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    suggestion = suggest(session, setup, version)
    assert refused(
        suggestions.decline,
        session=session,
        actor=setup.facilitator,
        suggestion=suggestion,
        reason=" ",
    ) == ("Say why, so the partner understands.", "reason")
    for someone in (setup.representatives[0], setup.observer):
        assert refused(
            suggestions.decline, session=session, actor=someone, suggestion=suggestion, reason="No"
        ) == ("Only a facilitator decides on suggestions.", None)
        assert refused(
            suggestions.accept,
            session=session,
            actor=someone,
            partnership=setup.partnership,
            suggestion=suggestion,
        ) == ("Only a facilitator decides on suggestions.", None)
    assert suggestion.status == "open"


def test_only_the_author_withdraws_an_open_suggestion(session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    suggestion = suggest(session, setup, version)
    for someone in (setup.representatives[1], setup.facilitator):
        assert refused(
            suggestions.withdraw, session=session, actor=someone, suggestion=suggestion
        ) == ("Only the author of a suggestion can withdraw it.", None)
    suggestions.withdraw(session, actor=setup.representatives[0], suggestion=suggestion)
    assert suggestion.status == "withdrawn"
    assert refused(
        suggestions.withdraw, session=session, actor=setup.representatives[0], suggestion=suggestion
    ) == ("This suggestion was withdrawn by its author.", None)


@pytest.mark.parametrize(
    ("clause", "wording", "comment", "expected"),
    [
        ("principles/nope", {"es": "x"}, "c", ("Choose a clause of this draft.", "clause")),
        (
            "goals/" + "c" * 32 + "/title",
            {"es": "x"},
            "c",
            ("Choose a clause of this draft.", "clause"),
        ),
        ("decision_rule/rule", {"es": "x"}, "c", ("Choose a clause of this draft.", "clause")),
        (
            "principles/trust",
            {"es": "Compromiso trust"},
            "c",
            ("Change the wording in at least one language.", "wording-es"),
        ),
        (
            "principles/trust",
            {"es": " ", "en": ""},
            "c",
            ("Change the wording in at least one language.", "wording-es"),
        ),
        (
            "principles/trust",
            {"en": "x" * 5001},
            "c",
            ("Keep this text under 5000 characters.", "wording-en"),
        ),
        ("principles/trust", {"es": "Nuevo"}, "  ", ("Say why this wording is better.", "comment")),
        (
            "principles/trust",
            {"es": "Nuevo"},
            "x" * 2001,
            ("Keep this text under 2000 characters.", "comment"),
        ),
    ],
)
def test_bad_suggestions_are_refused_and_nothing_is_stored(
    session, make, clause, wording, comment, expected
):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    assert (
        refused(
            suggestions.suggest,
            session=session,
            actor=setup.representatives[0],
            partnership=setup.partnership,
            version=version,
            clause=clause,
            wording=wording,
            comment=comment,
        )
        == expected
    )
    assert session.scalar(select(CharterSuggestion.id)) is None


def test_only_a_current_partners_representative_suggests(session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    setup.partners[1].left_on = date(2020, 1, 1)
    cases = [
        (setup.facilitator, "Facilitators change the draft in the editor."),
        (setup.observer, "Only a partner representative can suggest wording."),
        (make.user(), "Only a partner representative can suggest wording."),
        (setup.representatives[1], f"{setup.partners[1].name} has left the partnership."),
    ]
    for actor, message in cases:
        assert refused(
            suggestions.suggest,
            session=session,
            actor=actor,
            partnership=setup.partnership,
            version=version,
            clause="principles/trust",
            wording={"es": "Nuevo"},
            comment="Por qué",
        ) == (message, None)


def test_a_representative_of_another_partnership_is_refused(session, make):
    setup = partnership_with(make, partners=1)
    other = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    assert refused(
        suggestions.suggest,
        session=session,
        actor=other.representatives[0],
        partnership=setup.partnership,
        version=version,
        clause="principles/trust",
        wording={"es": "Nuevo"},
        comment="Por qué",
    ) == ("Only a partner representative can suggest wording.", None)


def test_only_a_draft_takes_suggestions(session, make):
    setup = partnership_with(make, partners=1)
    first = adopted_version(session, setup)
    second = draft_of(session, setup)
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=second
    )
    services.endorse(session, actor=setup.representatives[0], version=second, stance="endorse")
    third = draft_of(session, setup)
    services.propose(session, actor=setup.facilitator, partnership=setup.partnership, version=third)
    expected = {
        first: "Version 1 has been superseded: only a draft takes suggestions.",
        second: "Version 2 is in force: only a draft takes suggestions. Ask a facilitator to "
        "start an amendment.",
        third: "Version 3 is proposed to the partners: only a draft takes suggestions. Object "
        "to the proposal with a comment instead.",
    }
    for version, message in expected.items():
        assert refused(suggest, session=session, setup=setup, version=version)[0] == message
    assert session.scalar(select(CharterSuggestion.id)) is None


def test_proposing_lapses_open_suggestions_and_keeps_the_decided_ones(session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    accepted = suggest(session, setup, version, wording={"es": "Aceptada."})
    suggestions.accept(
        session, actor=setup.facilitator, partnership=setup.partnership, suggestion=accepted
    )
    left_open = suggest(session, setup, version, who=1, clause="protocols/leaver_rules")
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    session.flush()
    assert (accepted.status, left_open.status) == ("accepted", "lapsed")
    assert left_open.decided_by_id is None and left_open.decided_at is not None
    assert [a for a, _ in audit_of(session, setup.partnership)][-1] == "charter.suggestion.lapse"
    assert refused(
        suggestions.accept,
        session=session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        suggestion=left_open,
    ) == ("This suggestion was closed when the draft was proposed.", None)
    # Withdrawn to revise, the draft takes suggestions again; the lapsed one stays lapsed.
    services.withdraw(session, actor=setup.facilitator, version=version)
    session.flush()
    assert left_open.status == "lapsed"
    assert suggest(session, setup, version, wording={"es": "Otra vez."}).status == "open"
    history = suggestions.history(
        session, partnership_id=setup.partnership.id, version_id=version.id
    )
    assert [s.status for s in history] == ["open", "lapsed", "accepted"]


def test_accepting_a_clause_removed_from_the_draft_is_refused(session, make):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    suggestion = suggest(session, setup, version, clause=f"goals/{GOAL_KEY}/title")
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=charter_content(goals=[]),
    )
    assert refused(
        suggestions.accept,
        session=session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        suggestion=suggestion,
    ) == ("This clause is no longer in the draft: decline the suggestion and say why.", None)
    assert suggestion.status == "open"


def memberships_of(session, user):
    """The person's memberships with their partnership loaded, as "Needs me" passes them."""
    return (
        session.scalars(
            select(Membership)
            .options(joinedload(Membership.partnership), joinedload(Membership.partner))
            .where(Membership.user_id == user.id)
        )
        .unique()
        .all()
    )


def test_facilitators_have_items_for_open_suggestions_in_their_language(app, session, make):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    first = suggest(session, setup, version, clause=f"goals/{GOAL_KEY}/target")
    taken_back = suggest(session, setup, version, who=1, clause=f"roles/{setup.partners[0].id}")
    suggestions.withdraw(session, actor=setup.representatives[1], suggestion=taken_back)
    now = utcnow()
    found = [
        i
        for i in items_for(
            session,
            user=setup.facilitator,
            memberships=memberships_of(session, setup.facilitator),
            locale="en",
            now=now,
        )
        if i.kind == "charter_suggestion"
    ]
    pid = setup.partnership.id
    assert [(i.key, i.url, i.text) for i in found] == [
        (
            f"charter_suggestion:{first.id}",
            f"/p/{pid}/charter/1/suggestions/{first.id}",
            f"{setup.partners[0].name} suggests new wording for “Goal: Fewer land conflicts — "
            "Target” in the draft of version 1.",
        )
    ]
    for someone in (setup.representatives[0], setup.observer):
        mine = items_for(
            session,
            user=someone,
            memberships=memberships_of(session, someone),
            locale="en",
            now=now,
        )
        assert [i for i in mine if i.kind == "charter_suggestion"] == []


def test_authors_are_told_for_two_weeks_what_became_of_their_suggestion(app, session, make):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    kept = suggest(session, setup, version, wording={"es": "Sí."})
    refused_one = suggest(session, setup, version, clause="protocols/entry_rules")
    suggestions.accept(
        session, actor=setup.facilitator, partnership=setup.partnership, suggestion=kept
    )
    suggestions.decline(session, actor=setup.facilitator, suggestion=refused_one, reason="No.")
    author = setup.representatives[0]

    def told(now):
        return [
            (i.key, i.text)
            for i in items_for(
                session,
                user=author,
                memberships=memberships_of(session, author),
                locale="en",
                now=now,
            )
            if i.kind == "charter_suggestion_decided"
        ]

    assert told(utcnow()) == [
        (
            f"charter_suggestion_decided:{kept.id}",
            "Your suggestion for “Trust” was accepted into the draft of version 1.",
        ),
        (
            f"charter_suggestion_decided:{refused_one.id}",
            "Your suggestion for “Entry rules” in the draft of version 1 was declined: read why.",
        ),
    ]
    assert told(utcnow() + timedelta(days=15)) == []


def test_providers_run_a_fixed_number_of_queries(app, session, make, count_queries):
    def measured(partnerships: int) -> list[int]:
        facilitator = make.user(locale="en")
        author = None
        for _ in range(partnerships):
            setup = partnership_with(make, partners=2)
            session.add(
                Membership(
                    partnership_id=setup.partnership.id,
                    user_id=facilitator.id,
                    role=Role.FACILITATOR,
                )
            )
            version = draft_of(session, setup)
            suggest(session, setup, version, clause=f"roles/{setup.partners[1].id}")
            done = suggest(session, setup, version, clause=f"goals/{GOAL_KEY}/title")
            suggestions.decline(session, actor=setup.facilitator, suggestion=done, reason="No")
            author = setup.representatives[0]
        session.flush()
        counts = []
        for user in (facilitator, author):
            memberships = memberships_of(session, user)
            with count_queries() as counter:
                items_for(session, user=user, memberships=memberships, locale="en", now=utcnow())
            counts.append(counter["n"])
        return counts

    assert measured(1) == measured(4)
