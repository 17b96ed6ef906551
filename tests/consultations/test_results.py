"""Results counted in SQL: shares, breakdowns, small groups hidden (and not derivable),
response rates, and the common ground across sectors."""

from sqlalchemy import select

from hsbp.consultations import answering, results
from hsbp.consultations.models import Participation
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.models import GroupTag


def respond(
    session,
    consultation,
    *,
    sector="",
    channel="web",
    tags=(),
    water="well",
    worries=("roads",),
    trust="3",
    meetings="yes",
    text="El agua baja turbia.",
    children=2,
    state="complete",
    **identity,
):
    """One response along the skip logic; worries=None skips that question."""
    water_q, worries_q, trust_q, meetings_q, river_q, children_q = answering.active_questions(
        consultation
    )
    values = {
        water_q.id: {"choices": [water]},
        worries_q.id: {"choices": list(worries)} if worries else {"skipped": True},
        trust_q.id: {"choices": [trust]},
        meetings_q.id: {"choices": [meetings]},
        river_q.id: {"text": text},
        children_q.id: {"number": children},
    }
    response = answering.start_response(
        session,
        consultation,
        channel=channel,
        locale="es",
        sector=sector,
        tag_ids=tags,
        **identity,
    )
    while question := answering.next_question(
        consultation, answering.answers_of(session, response)
    ):
        answering.record_answer(session, response, question, **values[question.id])
    if state != "in_progress":
        answering.finish_response(session, response, partial=state == "partial")
    return response


def tag_ids(session, partnership) -> dict[str, int]:
    mapping_tags.group_tags(session, partnership_id=partnership.id)
    rows = session.execute(
        select(GroupTag.key, GroupTag.id).where(GroupTag.partnership_id == partnership.id)
    )
    return dict(rows.all())


def fixture_answers(session, build, partnership):
    """17 counted responses (and one in progress, not counted):
    company/web 6: pipe; community_group/sms 8: river x6, well x2 (one partial);
    civil_society/assisted 3: river x1, pipe x2.
    Tags: women on 5 company + 5 community, youth on 2 community, victims on 3 civil."""
    consultation = build()
    tags = tag_ids(session, partnership)
    women, youth, victims = tags["women"], tags["youth"], tags["victims"]
    for n in range(6):
        respond(
            session,
            consultation,
            sector="company",
            channel="web",
            tags=[women] if n < 5 else [],
            water="pipe",
            meetings="yes",
            trust="5",
            children=1 + n,  # 1..6
        )
    for n in range(8):
        respond(
            session,
            consultation,
            sector="community_group",
            channel="sms",
            tags=[women] if n < 5 else [youth] if n < 7 else [],
            water="river" if n < 6 else "well",
            worries=None if n == 0 else ("roads", "dust"),
            meetings="yes" if n % 2 else "no",
            children=4,
            state="partial" if n == 7 else "complete",
        )
    for n in range(3):
        respond(
            session,
            consultation,
            sector="civil_society",
            channel="assisted",
            tags=[victims],
            water="river" if n == 0 else "pipe",
            children=10,
        )
    respond(session, consultation, sector="company", water="river", state="in_progress")
    return consultation


def counts(options):
    return {o.key: (o.count, round(o.share, 4)) for o in options}


def breakdown(result, dimension):
    found = next(b for b in result.breakdowns if b.dimension == dimension)
    return {
        g.key: g.hidden or (g.answered, {o.key: o.count for o in g.options}) for g in found.groups
    }


def compute(session, consultation):
    return results.results(session, consultation=consultation, locale="en", fallback="es")


def test_results_count_options_of_counted_responses_only(session, build, partnership):
    found = compute(session, fixture_answers(session, build, partnership))
    assert (found.complete, found.partial, found.respondents) == (16, 1, 17)
    water = found.questions[0]
    assert (water.answered, water.skipped) == (17, 0)
    assert counts(water.options) == {
        "river": (7, round(7 / 17, 4)),
        "well": (2, round(2 / 17, 4)),
        "pipe": (8, round(8 / 17, 4)),
    }
    assert [o.label for o in water.options] == ["River", "Well", "Piped"]


def test_results_share_is_of_those_who_answered_and_skips_are_apart(session, build, partnership):
    worries = compute(session, fixture_answers(session, build, partnership)).questions[1]
    assert (worries.answered, worries.skipped) == (16, 1)
    # Multiple choice: shares of the 16 who answered, adding up to more than 100%.
    assert counts(worries.options) == {
        "dust": (7, round(7 / 16, 4)),
        "roads": (16, 1.0),
        "jobs": (0, 0.0),
    }


def test_results_scale_and_yes_no_are_counted_as_choices(session, build, partnership):
    found = compute(session, fixture_answers(session, build, partnership))
    trust, meetings = found.questions[2], found.questions[3]
    assert {k: c for k, (c, _s) in counts(trust.options).items()} == {
        "1": 0,
        "2": 0,
        "3": 11,
        "4": 0,
        "5": 6,
    }
    assert [o.label for o in meetings.options] == ["Yes", "No"]
    assert {k: c for k, (c, _s) in counts(meetings.options).items()} == {"yes": 13, "no": 4}


def test_results_hide_a_small_sector_and_the_smallest_shown_one(session, build, partnership):
    water = compute(session, fixture_answers(session, build, partnership)).questions[0]
    # civil_society (3) is too small; hiding company (6) too stops anyone working out the
    # civil_society figures as "everyone" minus the sectors shown.
    assert breakdown(water, "sector") == {
        "company": results.COMPLEMENT,
        "community_group": (8, {"river": 6, "well": 2, "pipe": 0}),
        "civil_society": results.SMALL,
    }
    assert breakdown(water, "channel") == {
        "web": results.COMPLEMENT,
        "sms": (8, {"river": 6, "well": 2, "pipe": 0}),
        "assisted": results.SMALL,
    }


def test_results_hidden_groups_carry_no_figures(session, build, partnership):
    water = compute(session, fixture_answers(session, build, partnership)).questions[0]
    for found in water.breakdowns:
        for group in found.groups:
            if group.hidden:
                assert (group.answered, group.options) == (None, [])


def test_results_two_small_groups_need_no_extra_hiding(session, build, partnership):
    tags = tag_ids(session, partnership)
    water = compute(session, fixture_answers(session, build, partnership)).questions[0]
    assert breakdown(water, "tag") == {
        str(tags["women"]): (10, {"river": 5, "well": 0, "pipe": 5}),
        str(tags["youth"]): results.SMALL,
        str(tags["victims"]): results.SMALL,
    }


def test_results_no_hidden_figure_can_be_derived_by_subtraction(session, build, partnership):
    found = compute(session, fixture_answers(session, build, partnership))
    for question in found.questions:
        for part in question.breakdowns:
            hidden = [g for g in part.groups if g.hidden]
            # A lone hidden group would equal everyone minus the groups shown.
            assert len(hidden) != 1


def test_results_number_questions_show_count_range_and_mean(session, build, partnership):
    found = compute(session, fixture_answers(session, build, partnership))
    children = found.questions[5]
    stats = children.stats
    assert (stats.count, stats.minimum, stats.maximum) == (17, 1.0, 10.0)
    assert round(stats.mean, 4) == round((21 + 8 * 4 + 30) / 17, 4)
    river = found.questions[4]
    assert (river.answered, river.options, river.stats) == (7, [], None)


def test_results_of_fewer_than_five_answers_are_hidden(session, build, partnership):
    consultation = build()
    for _ in range(4):
        respond(session, consultation, sector="company")
    water = compute(session, consultation).questions[0]
    assert water.hidden
    assert (water.answered, water.options, water.breakdowns) == (4, [], [])


def test_results_response_rate_shows_silent_sectors(session, build, partnership):
    consultation = fixture_answers(session, build, partnership)
    rows = [("company", "complete")] * 6 + [("company", "invited")] * 2
    rows += [("community_group", "complete")] * 7 + [("community_group", "partial")]
    rows += [("community_group", "in_progress")] * 2 + [("national_government", "invited")] * 2
    for sector, state in rows:
        session.add(
            Participation(
                consultation_id=consultation.id,
                channel="sms",
                sector=sector,
                state=state,
            )
        )
    session.flush()
    rates = results.response_rates(session, consultation=consultation)
    assert [(r.sector, r.asked, r.complete, r.rate) for r in rates] == [
        ("company", 8, 6, 0.75),
        ("national_government", 2, 0, 0.0),
        ("community_group", 10, 7, 0.7),
    ]


def common_ground_answers(session, build):
    """Three sectors of five: company/web, community_group/sms, civil_society/assisted."""
    consultation = build()
    plan = {
        "company": ("web", ["pipe"] * 5, ["yes"] * 5, ["5"] * 5),
        "community_group": ("sms", ["river"] * 4 + ["well"], ["yes"] * 4 + ["no"], ["1"] * 5),
        "civil_society": (
            "assisted",
            ["river"] * 2 + ["pipe"] * 3,
            ["no"] + ["yes"] * 4,
            ["3"] * 5,
        ),
    }
    for sector, (channel, waters, meetings, trusts) in plan.items():
        for water, meeting, trust in zip(waters, meetings, trusts, strict=True):
            respond(
                session,
                consultation,
                sector=sector,
                channel=channel,
                water=water,
                meetings=meeting,
                trust=trust,
            )
    return consultation


def test_common_ground_ranks_options_by_their_lowest_sector_share(session, build):
    found = compute(session, common_ground_answers(session, build))
    ground = results.common_ground(found)
    assert ground.constituencies == 3
    shared = [
        (o.question.position, o.option.key, round(o.min_share, 2)) for o in ground.most_shared()
    ]
    # Everyone worries about roads; most of every sector goes to meetings.
    assert shared == [(2, "roads", 1.0), (4, "yes", 0.8)]
    water = dict((q.position, options) for q, options in ground.by_question)[1]
    assert [(o.option.key, round(o.min_share, 2), round(o.gap, 2)) for o in water] == [
        ("well", 0.0, 0.2),
        ("river", 0.0, 0.8),
        ("pipe", 0.0, 1.0),
    ]


def test_common_ground_marks_divergence_over_the_threshold(session, build):
    ground = results.common_ground(compute(session, common_ground_answers(session, build)))
    divergent = [(o.question.position, o.option.key) for o in ground.most_divergent()]
    assert divergent[0] == (1, "pipe")
    assert set(divergent) == {(1, "pipe"), (1, "river"), (3, "1"), (3, "3"), (3, "5")}
    meetings = dict((q.position, options) for q, options in ground.by_question)[4]
    assert [o.divergent for o in meetings] == [False, False]


def test_common_ground_leaves_out_small_sectors(session, build):
    consultation = common_ground_answers(session, build)
    for _ in range(4):
        respond(session, consultation, sector="local_government")
    ground = results.common_ground(compute(session, consultation))
    water = dict((q.position, options) for q, options in ground.by_question)[1]
    # Local government (4) is hidden, and with it the smallest sector shown (civil society,
    # first by key among three of five), so neither can be worked out from the rest.
    assert {label for label, _share in water[0].shares} == {"Company", "Community group"}
