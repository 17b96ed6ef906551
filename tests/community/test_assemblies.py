"""Community assemblies: recorded by a facilitator for a partner without web accounts,
confirmed by a witness partner on the web; a confirmed answer on the charter counts under its
decision rule, a result on a vote shows beside it; every refusal, the minutes file, the pages."""

import io
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.actions import uploads
from hsbp.audit import AuditEntry
from hsbp.community import assemblies
from hsbp.community.models import Assembly, QuestionStatus, VoteKind
from hsbp.errors import ServiceError
from hsbp.principles import services as charter
from hsbp.principles.models import Endorsement
from tests.community.assembly_world import PDF, TODAY, World


@pytest.fixture
def world(session, make):
    return World(session, make)


def refusal(call, **kwargs) -> tuple[str, str | None]:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    return str(error.value.message), error.value.field


def audit_of(session, partnership, prefix: str) -> list[tuple[str, dict]]:
    return [
        (entry.action, entry.details)
        for entry in session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.partnership_id == partnership.id, AuditEntry.action.like(f"{prefix}%")
            )
            .order_by(AuditEntry.id)
        )
    ]


# Recording and confirming ------------------------------------------------------------------


def test_recorded_assembly_counts_nowhere_until_its_witness_confirms(session, world):
    assembly = world.record()

    assert (assembly.present, assembly.present_total) == ({"tag:women": 22, "tag:youth": 9}, 40)
    assert (assembly.result, assembly.result_counts) == ("endorse", {"endorse": 35, "object": 3})
    assert assembly.witnessed_at is None
    assert session.scalars(select(Endorsement)).all() == []
    tally = charter.overview(session, partnership_id=world.partnership.id)["tally"]
    assert (tally.endorsed, tally.partners) == (0, 3)
    assert audit_of(session, world.partnership, "assembly.") == [
        (
            "assembly.record",
            {
                "partner_id": world.community.id,
                "witness_partner_id": world.council.id,
                "charter_version_id": world.version.id,
                "number": 1,
                "held_on": TODAY.isoformat(),
                "result": "endorse",
                "present_total": 40,
            },
        )
    ]


def test_confirmed_endorsement_counts_and_adopts_the_charter_under_consensus(session, world):
    for user in (world.company_rep, world.council_rep):
        charter.endorse(session, actor=user, version=world.version, stance="endorse")
    assembly = world.record()
    assert world.version.status == "proposed"

    endorsement = world.confirm(assembly)

    assert (endorsement.partner_id, endorsement.stance) == (world.community.id, "endorse")
    assert (endorsement.assembly_id, endorsement.user_id, endorsement.comment) == (
        assembly.id,
        None,
        "",
    )
    assert assembly.witnessed_by_id == world.council_rep.id
    assert world.version.status == "adopted"
    actions = [a for a, _d in audit_of(session, world.partnership, "")][-4:]
    assert actions == ["assembly.record", "assembly.confirm", "charter.endorse", "charter.adopt"]
    endorse_entry = audit_of(session, world.partnership, "charter.endorse")[-1][1]
    assert endorse_entry == {
        "number": 1,
        "partner_id": world.community.id,
        "comment": "",
        "assembly_id": assembly.id,
    }


def test_confirmed_objection_blocks_a_consensus(session, world):
    assembly = world.record(result="object", counts={"endorse": 5, "object": 30})

    world.confirm(assembly)

    tally = charter.overview(session, partnership_id=world.partnership.id)["tally"]
    assert (tally.endorsed, tally.objected, tally.blocked) == (0, 1, True)


def test_assembly_may_answer_on_the_charter_in_force(session, make):
    world = World(
        session, make, rule={"rule": "majority", "majority_percent": 60, "quorum_percent": 60}
    )
    for user in (world.company_rep, world.council_rep):
        charter.endorse(session, actor=user, version=world.version, stance="endorse")
    assert world.version.status == "adopted"

    world.confirm(world.record())

    stances = charter.answers(
        session, partnership_id=world.partnership.id, version_ids=[world.version.id]
    )
    assert sorted(stances[world.version.id]) == sorted(
        [world.company.id, world.council.id, world.community.id]
    )


def test_only_a_representative_of_the_witness_confirms(session, world):
    assembly = world.record()

    assert refusal(world.confirm, assembly=assembly, user=world.company_rep) == (
        "Only a representative of the witness partner can confirm it.",
        None,
    )
    assert refusal(
        assemblies.confirm,
        session=session,
        actor=world.facilitator,
        membership=world.membership(world.facilitator),
        assembly=assembly,
    ) == ("Only a representative of the witness partner can confirm it.", None)
    assert assembly.witnessed_at is None


def test_a_second_confirmation_is_refused_and_counts_once(session, world):
    assembly = world.record()
    world.confirm(assembly)

    assert refusal(world.confirm, assembly=assembly) == ("This record is already confirmed.", None)
    assert len(session.scalars(select(Endorsement)).all()) == 1


def test_confirmation_after_the_proposal_was_withdrawn_is_refused(session, world):
    assembly = world.record()
    charter.withdraw(session, actor=world.facilitator, version=world.version)

    assert refusal(world.confirm, assembly=assembly) == (
        "Version 1 is a draft: an assembly can answer on it once it is proposed.",
        None,
    )


def test_confirmation_after_the_version_was_proposed_again_is_refused(session, world):
    # Held while proposed since a week; then withdrawn, revised and proposed again today.
    world.version.proposed_at = datetime.now(UTC) - timedelta(days=7)
    assembly = world.record(held_on=TODAY - timedelta(days=3))
    charter.withdraw(session, actor=world.facilitator, version=world.version)
    charter.propose(
        session, actor=world.facilitator, partnership=world.partnership, version=world.version
    )

    message, field = refusal(world.confirm, assembly=assembly)

    assert field is None
    assert message.startswith("Version 1 was proposed again on ")
    assert message.endswith(
        ", after this assembly: it answered on an earlier text. Record a new assembly on it."
    )


def test_withdrawing_the_proposal_keeps_the_assembly_in_its_audit(session, world):
    assembly = world.record()
    world.confirm(assembly)

    charter.withdraw(session, actor=world.facilitator, version=world.version)

    kept = audit_of(session, world.partnership, "charter.withdraw")[0][1]["endorsements"]
    assert kept == [
        {
            "partner_id": world.community.id,
            "user_id": None,
            "stance": "endorse",
            "comment": "",
            "assembly_id": assembly.id,
        }
    ]
    assert session.get(Assembly, assembly.id).witnessed_at is not None


# Refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"held_on": TODAY + timedelta(days=1)},
            ("The assembly cannot be in the future: give the day it was held.", "held_on"),
        ),
        ({"held_on": None}, ("Give the date of the assembly.", "held_on")),
        ({"place": "   "}, ("Say where the assembly was held.", "place")),
        ({"present_total": -1}, ("A count cannot be negative.", "present_total")),
        ({"present_total": 0}, ("Give how many people took part.", "present_total")),
        ({"present": {"tag:women": -2}}, ("A count cannot be negative.", "present:tag:women")),
        (
            {"present": {"tag:youth": 41}},
            ("More people than were present in all (40).", "present:tag:youth"),
        ),
        ({"counts": {"endorse": -3}}, ("A count cannot be negative.", "count:endorse")),
        (
            {"counts": {"endorse": 30, "object": 11}},
            ("More hands counted (41) than people present (40).", "count:endorse"),
        ),
        (
            {"counts": {"endorse": 10, "object": 20}},
            (
                "The counts give most hands to “Object”, not to the result chosen: check one "
                "or the other.",
                "result",
            ),
        ),
        ({"result": "support"}, ("Choose the assembly's result.", "result")),
        ({"partner_id": None}, ("Choose the partner whose assembly it was.", "partner_id")),
        (
            {"witness_partner_id": None},
            ("Choose the partner who witnessed the assembly.", "witness_partner_id"),
        ),
        (
            {"minutes": " "},
            (
                "Attach the minutes or write them out: they are what the witness confirms.",
                "minutes_file",
            ),
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(session, world, overrides, expected):
    assert refusal(world.record, **overrides) == expected
    assert session.scalars(select(Assembly)).all() == []


def test_witness_must_be_another_partner(world):
    assert refusal(world.record, witness_partner_id=world.community.id) == (
        "The witness must be another partner than the one whose assembly it was.",
        "witness_partner_id",
    )


def test_witness_needs_a_representative_with_a_web_account(session, make, world):
    other = make.partner(world.partnership, name="Cabildo")

    assert refusal(world.record, witness_partner_id=other.id) == (
        "Cabildo has no representative with a web account to confirm the record. Choose "
        "another witness, or invite a representative first.",
        "witness_partner_id",
    )


def test_partner_with_a_web_account_answers_on_the_charter_page_itself(world):
    message, field = refusal(
        world.record, partner_id=world.company.id, witness_partner_id=world.council.id
    )

    assert message == (
        f"{world.company.name} has a representative with a web account, who answers on the "
        "charter page. Assemblies are recorded for partners without one."
    )
    assert field == "partner_id"


def test_partner_of_another_partnership_is_not_found(session, make, world):
    stranger = make.partner(make.partnership())

    assert refusal(world.record, partner_id=stranger.id) == (
        "Choose the partner whose assembly it was.",
        "partner_id",
    )


def test_a_version_not_proposed_is_refused(session, make):
    world = World(session, make, propose=False)
    draft = charter.start_draft(session, actor=world.facilitator, partnership=world.partnership)

    assert refusal(world.record, version=draft) == (
        "Version 1 is a draft: an assembly can answer on it once it is proposed.",
        None,
    )


def test_an_assembly_held_before_the_proposal_is_refused(world):
    message, field = refusal(world.record, held_on=TODAY - timedelta(days=2))

    assert message.startswith("Version 1 was proposed on ")
    assert message.endswith(": the assembly must have been held on that day or later.")
    assert field == "held_on"


def test_a_partner_answers_once_on_a_version(session, world):
    world.record()

    assert refusal(world.record) == (
        f"An assembly of {world.community.name} on version 1 is already awaiting its witness. "
        "Delete that record first to record another.",
        "partner_id",
    )
    world.confirm(session.scalars(select(Assembly)).one())
    assert refusal(world.record) == (
        f"{world.community.name} has already answered on version 1.",
        "partner_id",
    )


# Votes -------------------------------------------------------------------------------------


def test_vote_result_is_listed_beside_the_vote_once_confirmed(session, make, world):
    vote = world.vote()
    fields = {"version": None, "vote": vote, "result": "support"}
    counts = {"support": 30, "object": 2, "info": 5}
    assembly = world.record(**fields, counts=counts)
    # A partner with web accounts may hold an assembly on a vote: no partner's stance is at
    # stake, only the community's hands beside the SMS answers.
    world.record(**fields, partner_id=world.company.id, counts={}, present={})
    stranger = World(session, make)
    assert (
        stranger.record(version=None, vote=stranger.vote(), result="support", counts={}).vote_id
        != vote.id
    )

    before = assemblies.assembly_results(session, vote.id)
    world.confirm(assembly)
    after = assemblies.assembly_results(session, vote.id)

    assert [(r.partner_id, r.confirmed) for r in before] == [
        (world.community.id, False),
        (world.company.id, False),
    ]
    first = after[0]
    assert (first.id, first.result, first.counts, first.confirmed) == (
        assembly.id,
        "support",
        counts,
        True,
    )
    assert (first.present_total, first.place, first.held_on) == (
        40,
        "Salón comunal, vereda La Esperanza",
        TODAY,
    )


def test_vote_refusals(session, world):
    ranking = world.vote(kind=VoteKind.RANKING)
    assert refusal(world.record, version=None, vote=ranking) == (
        "An assembly's result can be recorded on a vote to support or object, not on a ranking.",
        None,
    )
    vote = world.vote(opens_at=datetime.now(UTC) + timedelta(days=2))
    message, field = refusal(world.record, version=None, vote=vote, result="support", counts={})
    assert (message.startswith("The vote opened on "), field) == (True, "held_on")
    closed = world.vote(
        opens_at=datetime.now(UTC) - timedelta(days=20),
        closes_at=datetime.now(UTC) - timedelta(days=10),
        closed_at=datetime.now(UTC) - timedelta(days=10),
        status=QuestionStatus.CLOSED,
    )
    message, field = refusal(world.record, version=None, vote=closed, result="support", counts={})
    assert (message.startswith("The vote closed on "), field) == (True, "held_on")
    open_vote = world.vote()
    world.record(version=None, vote=open_vote, result="info", counts={})
    assert refusal(world.record, version=None, vote=open_vote, result="info", counts={}) == (
        f"The result of an assembly of {world.community.name} on this vote is already recorded.",
        "partner_id",
    )


# The minutes file and deleting -------------------------------------------------------------


def test_minutes_file_is_kept_private_and_removed_with_an_unconfirmed_record(session, world):
    assembly = world.record(minutes="", minutes_file=("acta 12.pdf", io.BytesIO(PDF)))
    session.commit()
    path = uploads.path_of(world.partnership.id, assembly.minutes_stored)
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (PDF, 0o600)
    assert (assembly.minutes_filename, assembly.minutes_type, assembly.minutes_size) == (
        "acta 12.pdf",
        "application/pdf",
        len(PDF),
    )

    assemblies.delete(session, actor=world.facilitator, assembly=assembly)
    assert path.exists()
    session.commit()

    assert not path.exists()
    assert [a for a, _d in audit_of(session, world.partnership, "assembly.")] == [
        "assembly.record",
        "assembly.delete",
    ]


def test_a_refused_minutes_file_leaves_nothing(session, world):
    folder = uploads.storage_dir(world.partnership.id)
    before = sorted(folder.iterdir()) if folder.exists() else []

    message, field = refusal(
        world.record, minutes_file=("acta.html", io.BytesIO(b"<html><script>x</script>"))
    )

    assert field == "minutes_file"
    assert message.startswith("This type of file is not accepted.")
    assert (sorted(folder.iterdir()) if folder.exists() else []) == before


def test_a_confirmed_assembly_cannot_be_deleted(session, world):
    assembly = world.record()
    world.confirm(assembly)

    assert refusal(
        assemblies.delete, session=session, actor=world.facilitator, assembly=assembly
    ) == (
        "A confirmed assembly stays on record.",
        None,
    )
