"""Possible duplicates: a neutral answer to anyone but facilitators, what they typed kept for
a facilitator's review, and the decision there."""

import json
import re

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.mapping import duplicates
from hsbp.mapping.models import DuplicateReview, Participant

HELD = (
    "A facilitator must check whether this participant is already mapped."
    " What you entered is kept for them."
)
REAL_NAME = "Diana Marcela Ortiz"


def form(**overrides) -> dict:
    data = {
        "name": REAL_NAME,
        "kind": "person",
        "sector": "individual",
        "locality": "Playa Rica",
        "languages": "es",
        "interest": "3",
        "influence": "3",
        "phone": "",
        "email": "",
        "intermediary": "",
        "risk": "low",
        "proposed_by_partner_id": "0",
    }
    data.update(overrides)
    return data


def flashes(body: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">(.*?)</p>', body)


def participants(session) -> int:
    return session.scalar(select(func.count()).select_from(Participant))


def entries(session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def twin(add, mapped):
    """Build the participant already mapped: at risk or not."""

    def build(risk: str):
        return add(
            name=REAL_NAME,
            kind="person",
            sector="individual",
            locality="Playa Rica",
            phone="3146667788",
            risk=risk,
            proposed_by_partner_id=mapped.civil.id,
        )

    return build


@pytest.mark.parametrize("risk", ["low", "high"])
@pytest.mark.parametrize(
    "typed",
    [
        {"phone": "314 666 7788", "name": "Otra Persona", "locality": "Otra vereda"},
        {"name": "diana  marcela ortiz", "locality": "playa rica"},
    ],
    ids=["phone", "name-and-locality"],
)
def test_a_representative_is_told_only_that_a_facilitator_will_check(
    client, login, mapped, session, twin, risk, typed
):
    candidate = twin(risk)
    login(mapped.company_rep)
    url = f"/p/{mapped.partnership.id}/mapping/new"
    response = client.post(url, data=form(**typed))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{mapped.partnership.id}/mapping"
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert flashes(body) == [HELD]
    assert participants(session) == 1
    review = session.scalars(select(DuplicateReview)).one()
    assert (review.candidate_id, review.source, review.outcome) == (candidate.id, "form", "")
    assert (review.proposed_by_id, review.proposed_by_partner_id) == (
        mapped.company_rep.id,
        mapped.company.id,
    )
    kept = json.loads(review.fields)
    assert (kept["name"], kept["locality"]) == (typed["name"], typed["locality"])
    assert kept["proposed_by_partner_id"] == mapped.company.id
    [check] = entries(session, "participant.duplicate_check")
    assert (check.actor_id, check.object_type, check.object_id) == (
        mapped.company_rep.id,
        "DuplicateReview",
        review.id,
    )
    assert check.details == {"review_id": review.id, "candidate_id": candidate.id, "source": "form"}


def test_what_a_representative_typed_is_encrypted_at_rest(client, login, mapped, twin, connection):
    twin("high")
    login(mapped.company_rep)
    client.post(f"/p/{mapped.partnership.id}/mapping/new", data=form(phone="3146667788"))
    stored = connection.exec_driver_sql("SELECT fields FROM mapping_duplicate_reviews").scalar()
    assert "Diana" not in stored
    assert "6667788" not in stored


def test_a_representative_cannot_say_it_is_someone_else(client, login, mapped, session, twin):
    candidate = twin("high")
    login(mapped.company_rep)
    client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data=form(twin_id=str(candidate.id), distinct="y"),
    )
    assert participants(session) == 1
    assert session.scalar(select(func.count()).select_from(DuplicateReview)) == 1


def test_a_representative_editing_into_a_duplicate_changes_nothing_and_is_held(
    client, login, mapped, session, add, twin
):
    candidate = twin("high")
    own = add(name="Cooperativa Cacaotera", proposed_by_partner_id=mapped.company.id)
    login(mapped.company_rep)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/{own.id}/edit",
        data=form(name="Cooperativa Cacaotera", kind="organisation", phone="3146667788"),
    )
    assert response.headers["Location"] == f"/p/{mapped.partnership.id}/mapping/{own.id}"
    session.refresh(own)
    assert (own.phone, own.kind) == (None, "organisation")
    review = session.scalars(select(DuplicateReview)).one()
    assert (review.source, review.participant_id, review.candidate_id) == (
        "edit",
        own.id,
        candidate.id,
    )
    [check] = entries(session, "participant.duplicate_check")
    assert check.details == {
        "review_id": review.id,
        "candidate_id": candidate.id,
        "source": "edit",
        "participant_id": own.id,
    }


def test_a_facilitator_sees_the_candidate_and_the_check_of_a_protected_one_is_audited(
    client, login, mapped, session, twin
):
    candidate = twin("high")
    login(mapped.facilitator)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new", data=form(phone="3146667788", name="Otra")
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f">{candidate.display_name}</a>." in body
    assert "This is someone else: save it anyway" in body
    assert participants(session) == 1
    assert session.scalars(select(DuplicateReview)).all() == []
    [check] = entries(session, "participant.duplicate_check")
    assert (check.object_type, check.object_id, check.details) == (
        "Participant",
        candidate.id,
        {"candidate_id": candidate.id, "source": "form"},
    )


def test_a_facilitator_s_check_of_an_unprotected_participant_is_not_audited(
    client, login, mapped, session, twin
):
    candidate = twin("low")
    login(mapped.facilitator)
    body = client.post(f"/p/{mapped.partnership.id}/mapping/new", data=form()).get_data(
        as_text=True
    )
    assert f">{candidate.display_name}</a>." in body
    assert entries(session, "participant.duplicate_check") == []


def test_a_facilitator_maps_a_namesake_after_saying_it_is_someone_else(
    client, login, mapped, session, twin
):
    candidate = twin("low")
    login(mapped.facilitator)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data=form(twin_id=str(candidate.id), distinct="y"),
    )
    assert response.status_code == 302
    assert participants(session) == 2


@pytest.fixture
def held(client, login, mapped, twin):
    """A protected participant, and the company's representative's entry of the same phone."""
    candidate = twin("high")
    login(mapped.company_rep)
    client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data=form(name="Marcela O.", locality="Vereda Alta", phone="3146667788", risk="high"),
    )
    login(mapped.facilitator)
    return candidate


def test_the_review_list_compares_without_the_protected_identity(client, mapped, session, held):
    body = client.get(f"/p/{mapped.partnership.id}/mapping/duplicates").get_data(as_text=True)
    assert "Marcela O." in body
    assert "Vereda Alta" in body
    assert held.display_name in body
    assert REAL_NAME not in body
    assert body.count("3146667788") == 1  # what was typed; the candidate's is hidden
    assert "Agroforestal" in body  # the proposer's partner
    assert entries(session, "participant.identity_view") == []


def test_the_protected_identity_is_shown_beside_it_on_an_audited_look(
    client, mapped, session, held
):
    review = session.scalars(select(DuplicateReview)).one()
    response = client.post(f"/p/{mapped.partnership.id}/mapping/duplicates/{review.id}/identity")
    assert REAL_NAME in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [look] = entries(session, "participant.identity_view")
    assert look.details == {"participant_id": held.id}


def test_map_as_a_new_participant_uses_the_normal_path_and_keeps_only_the_outcome(
    client, mapped, session, held
):
    review = session.scalars(select(DuplicateReview)).one()
    response = client.post(f"/p/{mapped.partnership.id}/mapping/duplicates/{review.id}/map")
    assert response.status_code == 302
    created = session.scalars(select(Participant).where(Participant.id != held.id)).one()
    assert (created.protected_name, created.phone, created.status) == (
        "Marcela O.",
        "+573146667788",
        "proposed",
    )
    assert created.proposed_by_partner_id == mapped.company.id
    assert created.display_name.startswith("P-")
    session.refresh(review)
    assert (review.outcome, review.participant_id, review.fields) == ("mapped", created.id, "{}")
    assert review.resolved_by_id == mapped.facilitator.id
    [decision] = entries(session, "participant.duplicate_resolve")
    assert decision.details == {
        "review_id": review.id,
        "candidate_id": held.id,
        "outcome": "mapped",
        "participant_id": created.id,
    }
    body = client.get(f"/p/{mapped.partnership.id}/mapping/duplicates").get_data(as_text=True)
    assert "No possible duplicate waits for a check." in body


def test_same_person_drops_what_was_typed(client, mapped, session, held):
    review = session.scalars(select(DuplicateReview)).one()
    client.post(f"/p/{mapped.partnership.id}/mapping/duplicates/{review.id}/same")
    session.refresh(review)
    assert (review.outcome, review.fields, review.participant_id) == ("same", "{}", None)
    assert participants(session) == 1
    [decision] = entries(session, "participant.duplicate_resolve")
    assert decision.details == {"review_id": review.id, "candidate_id": held.id, "outcome": "same"}
    again = client.post(f"/p/{mapped.partnership.id}/mapping/duplicates/{review.id}/same")
    assert again.status_code == 404


def test_an_edit_held_for_review_is_applied_to_its_participant(
    client, login, mapped, session, add, twin
):
    candidate = twin("low")
    own = add(name="Cooperativa", phone="3001112233", proposed_by_partner_id=mapped.company.id)
    login(mapped.company_rep)
    client.post(
        f"/p/{mapped.partnership.id}/mapping/{own.id}/edit",
        data=form(name=REAL_NAME, phone=""),  # blank phone: keep the number on file
    )
    review = session.scalars(select(DuplicateReview)).one()
    login(mapped.facilitator)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/duplicates").get_data(as_text=True)
    assert "unchanged" in body
    client.post(f"/p/{mapped.partnership.id}/mapping/duplicates/{review.id}/map")
    session.refresh(own)
    assert (own.protected_name, own.phone) == (REAL_NAME, "+573001112233")
    assert participants(session) == 2
    assert candidate.protected_name == REAL_NAME


@pytest.mark.parametrize("who", ["company_rep", "observer"])
def test_only_facilitators_open_the_review_list(client, login, mapped, held, who):
    login(getattr(mapped, who))
    assert client.get(f"/p/{mapped.partnership.id}/mapping/duplicates").status_code == 404


def test_the_register_counts_the_reviews_waiting(client, login, mapped, held):
    body = client.get(f"/p/{mapped.partnership.id}/mapping").get_data(as_text=True)
    assert "1 possible duplicate waits for your check." in body
    login(mapped.company_rep)
    body = client.get(f"/p/{mapped.partnership.id}/mapping").get_data(as_text=True)
    assert "1 participant you entered waits for a facilitator's check." in body
    login(mapped.municipal_rep)
    body = client.get(f"/p/{mapped.partnership.id}/mapping").get_data(as_text=True)
    assert "waits for" not in body


def test_review_list_queries_do_not_grow_with_reviews(
    client, login, mapped, session, twin, count_queries
):
    candidate = twin("high")

    def hold(n: int):
        for i in range(n):
            session.add(
                DuplicateReview(
                    partnership_id=mapped.partnership.id,
                    candidate_id=candidate.id,
                    fields=json.dumps({"name": f"Entry {i}", "tag_ids": [], "languages": ["es"]}),
                    source="form",
                    proposed_by_id=mapped.company_rep.id,
                    proposed_by_partner_id=mapped.company.id,
                    outcome="",
                )
            )
        session.flush()

    login(mapped.facilitator)
    hold(1)
    url = f"/p/{mapped.partnership.id}/mapping/duplicates"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    hold(20)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many["n"] == few["n"]
    assert len(duplicates.open_reviews(session, partnership_id=mapped.partnership.id)) == 21
