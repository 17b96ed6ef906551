"""A review's agenda generated from the data: an off-track and an at-risk indicator, an
overdue action, open and overdue grievances (counts only), the latest pulse round's wide gap
and charter goals due, in that order and exactly; and a query count that does not grow."""

from datetime import UTC, date, datetime, timedelta

from hsbp.actions.models import Action
from hsbp.grievances.models import Grievance, Stage
from hsbp.monitoring import pulses, services
from hsbp.monitoring.agenda import AgendaItem, Kind, generate_agenda
from hsbp.monitoring.pulse_models import DIMENSIONS
from hsbp.principles.content import empty_content
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role
from tests.monitoring.conftest import add_indicator

NOW = datetime(2027, 2, 1, 15, 0, tzinfo=UTC)


def indicator(session, partnership, actor, name, value):
    """Baseline 20 (2026-01-01) to 40 (2028-01-01): at 2027-01-01 the line is at 30."""
    found = add_indicator(session, partnership, actor, name=name)
    services.record_value(
        session, actor=actor, indicator=found, period_on=date(2027, 1, 1), value=value
    )
    return found


def action(session, partnership, partner, title, due_on, status="planned"):
    row = Action(
        partnership_id=partnership.id,
        title={"es": title},
        lead_partner_id=partner.id,
        due_on=due_on,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def grievance(session, partnership, code, received_at, stage=Stage.RECEIVED):
    row = Grievance(
        partnership_id=partnership.id,
        code=code,
        channel="web",
        description="Confidencial",
        complainant_name="Nombre secreto",
        stage=stage,
        received_at=received_at,
    )
    session.add(row)
    session.flush()
    return row


def pulse_with_a_trust_gap(session, make, partnership, facilitator):
    """Companies score 4 everywhere; community groups too, but 2 for trust between partners."""
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


def charter_with_goals(session, partnership, goals):
    content = empty_content()
    content["goals"] = [
        {"key": f"{n:032x}", "title": {"es": title}, "baseline": {}, "target": {}, "due": due}
        for n, (title, due) in enumerate(goals, start=1)
    ]
    version = CharterVersion(
        partnership_id=partnership.id, number=1, status=CharterStatus.ADOPTED, content=content
    )
    session.add(version)
    session.flush()
    return version


def test_agenda_lists_every_kind_of_item_in_order(session, make, partnership, facilitator, company):
    off = indicator(session, partnership, facilitator, "Empleo local", "22")
    risk = indicator(session, partnership, facilitator, "Agua potable", "29")
    indicator(session, partnership, facilitator, "Escuelas", "35")  # on track
    well = action(session, partnership, company, "Pozo comunitario", date(2027, 1, 15))
    action(session, partnership, company, "Puente", date(2027, 1, 10), status="done")
    action(session, partnership, company, "Vía", date(2027, 3, 1))
    grievance(session, partnership, "RVA0001", datetime(2027, 1, 2, tzinfo=UTC))
    grievance(session, partnership, "RVA0002", datetime(2027, 1, 30, tzinfo=UTC))
    grievance(session, partnership, "RVA0003", datetime(2026, 6, 1, tzinfo=UTC), Stage.CLOSED)
    pulse_round = pulse_with_a_trust_gap(session, make, partnership, facilitator)
    charter_with_goals(
        session,
        partnership,
        [("Agua para todos", "2027-04-15"), ("Empleo", "2026-12-31"), ("Paz", "2028-01-01")],
    )

    agenda = generate_agenda(session, partnership=partnership, now=NOW)

    assert agenda == [
        AgendaItem(
            Kind.INDICATOR_OFF,
            {"es": "Empleo local"},
            {"period_on": "2027-01-01", "value": "22", "unit": "%"},
            {"endpoint": "monitoring.detail", "args": {"indicator_id": off.id}},
        ),
        AgendaItem(
            Kind.ACTION_OVERDUE,
            {"es": "Pozo comunitario"},
            {"due_on": "2027-01-15", "lead": "Minera Andina"},
            {"endpoint": "actions.detail", "args": {"action_id": well.id}},
        ),
        AgendaItem(
            Kind.GRIEVANCES,
            {},
            {"open": 2, "overdue": 1},
            {"endpoint": "grievances.dashboard", "args": {}},
        ),
        AgendaItem(
            Kind.PULSE_GAP,
            {"es": "Pulso 1", "en": "Pulse 1"},
            {
                "dimension": "mutual_trust",
                "high": "company",
                "low": "community_group",
                "difference": "2.0",
            },
            {"endpoint": "monitoring.pulse_results", "args": {"round_id": pulse_round.id}},
        ),
        AgendaItem(
            Kind.GOAL_DUE,
            {"es": "Empleo"},
            {"due": "2026-12-31", "past": True},
            {"endpoint": "principles.charter", "args": {}},
        ),
        AgendaItem(
            Kind.GOAL_DUE,
            {"es": "Agua para todos"},
            {"due": "2027-04-15", "past": False},
            {"endpoint": "principles.charter", "args": {}},
        ),
        AgendaItem(
            Kind.INDICATOR_AT_RISK,
            {"es": "Agua potable"},
            {"period_on": "2027-01-01", "value": "29", "unit": "%"},
            {"endpoint": "monitoring.detail", "args": {"indicator_id": risk.id}},
        ),
    ]


def test_agenda_never_names_a_complainant(session, partnership):
    grievance(session, partnership, "RVB0001", datetime(2027, 1, 2, tzinfo=UTC))

    agenda = generate_agenda(session, partnership=partnership, now=NOW)

    assert [item.to_json() for item in agenda] == [
        {
            "kind": "grievances",
            "title": {},
            "params": {"open": 1, "overdue": 1},
            "link": {"endpoint": "grievances.dashboard", "args": {}},
        }
    ]


def test_agenda_of_an_empty_partnership_is_empty(session, partnership):
    assert generate_agenda(session, partnership=partnership, now=NOW) == []


def test_agenda_ignores_another_partnerships_data(session, make, partnership, facilitator):
    other = make.partnership()
    other_facilitator = make.member(other)
    indicator(session, other, other_facilitator, "Ajeno", "21")
    grievance(session, other, "RVC0001", datetime(2027, 1, 2, tzinfo=UTC))
    action(session, other, make.partner(other), "Ajena", date(2027, 1, 1))

    assert generate_agenda(session, partnership=partnership, now=NOW) == []


def test_agenda_query_count_is_flat(
    session, make, partnership, facilitator, company, count_queries
):
    pulse_with_a_trust_gap(session, make, partnership, facilitator)
    charter_with_goals(session, partnership, [("Agua", "2027-03-01")])

    def add(n):
        for i in range(n):
            indicator(session, partnership, facilitator, f"I{i}", "21")
            action(session, partnership, make.partner(partnership), f"A{i}", date(2027, 1, i + 1))
            grievance(session, partnership, f"RVD{make.n:04d}{i}", datetime(2027, 1, 2, tzinfo=UTC))

    add(1)
    with count_queries() as few:
        small = generate_agenda(session, partnership=partnership, now=NOW)
    add(8)
    with count_queries() as many:
        large = generate_agenda(session, partnership=partnership, now=NOW)
    assert (len(small), len(large)) == (5, 21)
    assert many["n"] == few["n"]
