"""What the context plugs into: the question on every review's agenda, "Needs me" for the
partners whose answer is awaited, and the shared record's sentences."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.monitoring import reviews
from hsbp.monitoring.agenda import generate_agenda
from hsbp.notifications.items import items_for, memberships_of
from hsbp.risks import context
from hsbp.security import Role
from tests.sms.conftest import page_text

THREAT = {"dimension": "food", "text": {"es": "Sequía."}}


def proposed(session, partnership, facilitator):
    version = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=False
    )
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=version,
        raw={"threats": [THREAT]},
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=version)
    return version


def context_items(session, partnership):
    return [
        item.to_json()
        for item in generate_agenda(session, partnership=partnership, now=utcnow())
        if item.kind == "context_holds"
    ]


def test_every_agenda_asks_whether_the_validated_context_still_holds(
    session, client, login, partnership, facilitator, company_rep
):
    # A partnership that has not started a context assessment gets no item.
    assert context_items(session, partnership) == []
    version = proposed(session, partnership, facilitator)
    assert context_items(session, partnership) == [
        {
            "kind": "context_holds",
            "title": {},
            "params": {},
            "link": {"endpoint": "risks.context", "args": {}},
        }
    ]
    # Validated late on 3 May in Bogotá: already 4 May in UTC; the agenda says the local day.
    context.answer(session, actor=company_rep, version=version, stance="confirm")
    version.validated_at = datetime(2026, 5, 4, 2, 30, tzinfo=UTC)
    session.flush()
    assert context_items(session, partnership) == [
        {
            "kind": "context_holds",
            "title": {},
            "params": {"number": 1, "validated_on": "2026-05-03"},
            "link": {"endpoint": "risks.context", "args": {}},
        }
    ]
    review = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={"title": {"es": "Revisión de junio"}, "scheduled_at": utcnow() + timedelta(days=3)},
    )
    login(facilitator)
    response = client.get(f"/p/{partnership.id}/monitoring/reviews/{review.id}")
    page = page_text(response)
    assert "Context Does the context assessment v1 (validated on May 3, 2026) still hold?" in page
    assert f'href="/p/{partnership.id}/context"' in response.get_data(as_text=True)


def test_before_any_validation_the_agenda_says_there_is_none(
    session, client, login, partnership, facilitator
):
    context.start_draft(session, actor=facilitator, partnership=partnership, copy_validated=False)
    review = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={"title": {"es": "Revisión"}, "scheduled_at": utcnow() + timedelta(days=3)},
    )
    login(facilitator)
    page = page_text(client.get(f"/p/{partnership.id}/monitoring/reviews/{review.id}"))
    assert "Context No context assessment is validated yet: agree on one with the partners." in page


def test_needs_me_lists_the_proposal_for_partners_still_to_answer(
    app, session, partnership, facilitator, company_rep, municipality_rep, observer, company
):
    version = proposed(session, partnership, facilitator)
    context.answer(
        session, actor=municipality_rep, version=version, stance="comment", comment="No."
    )

    def waiting(user):
        return [
            (i.key, i.url, i.text)
            for i in items_for(
                session,
                user=user,
                memberships=memberships_of(session, user_id=user.id),
                locale="en",
                now=utcnow(),
            )
            if i.kind == "context_confirmation"
        ]

    assert waiting(company_rep) == [
        (
            f"context_confirmation:{version.id}",
            f"/p/{partnership.id}/context",
            "Version 1 of the context assessment awaits the answer of Palma del Caguán S.A.: "
            "confirm it or comment.",
        )
    ]
    for someone in (municipality_rep, facilitator, observer):
        assert waiting(someone) == []
    company.left_on = date(2026, 1, 2)
    session.flush()
    assert waiting(company_rep) == []


def test_the_needs_me_provider_runs_one_query_for_any_number_of_partnerships(
    app, session, make, count_queries
):
    from hsbp.risks.context_hooks import confirmations_waiting

    user = make.user()
    counts = []
    for size in (1, 6):
        for _ in range(size if not counts else size - 1):
            partnership = make.partnership()
            partner = make.partner(partnership)
            make.member(partnership, Role.REPRESENTATIVE, user=user, partner=partner)
            proposed(session, partnership, make.member(partnership))
        memberships = memberships_of(session, user_id=user.id)
        with count_queries() as counter:
            found = confirmations_waiting(
                session, user=user, memberships=memberships, locale="en", now=utcnow()
            )
        counts.append(counter["n"])
        assert len(found) == size
    assert counts == [1, 1]


def test_the_shared_record_tells_the_context_in_sentences(
    session, client, login, partnership, facilitator, company_rep
):
    version = proposed(session, partnership, facilitator)
    context.answer(session, actor=company_rep, version=version, stance="confirm")
    login(facilitator)
    page = page_text(client.get(f"/p/{partnership.id}/audit"))
    page = page.replace(" :", ":").replace(" .", ".").replace(" )", ")").replace(" ,", ",")
    for sentence in (
        "Fabiola started version 1 of the context assessment as a draft.",
        "Fabiola edited version 1 of the context assessment (items added: 1, removed: 0, "
        "changed: 0).",
        "Fabiola proposed version 1 of the context assessment to the partners.",
        "Carlos confirmed version 1 of the context assessment for Palma del Caguán S.A.",
        "Every current partner confirmed version 1 of the context assessment: it is validated.",
    ):
        assert sentence in page
    entries = session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "context.validate")
    ).all()
    assert entries == [{"number": 1, "partners": 1, "supersedes": None}]
