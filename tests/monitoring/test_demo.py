"""The demo's monitoring: two years of values with indicators off track and at risk, one
computed from a closed consultation and one from an SMS poll, two pulse rounds with a wide gap
between the company and the community, a held review whose decisions made actions and linked
the charter amendment, and a progress report whose PDF holds the charts."""

import io
import re
from datetime import UTC, date, datetime

import pypdf
import pytest
from sqlalchemy import select

from hsbp import demo
from hsbp.monitoring import pulses, queries, report, report_pdf, reviews
from hsbp.monitoring.models import Measurement
from hsbp.monitoring.progress import Track
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.partnerships.models import Partnership

CAGUAN = "Alianza por la Seguridad Humana del Caguán"


@pytest.fixture
def caguan(session):
    demo.seed_if_empty(session)
    return session.scalars(select(Partnership).where(Partnership.name == CAGUAN)).one()


def test_demo_indicators_have_two_years_of_values_and_their_tracks(session, caguan):
    standings = queries.standings(session, partnership_id=caguan.id)
    tracks = [s.progress.track for s in standings]
    assert len(standings) == 7
    assert (tracks.count(Track.OFF), tracks.count(Track.AT_RISK)) == (3, 1)
    jobs = next(s for s in standings if s.indicator.name["es"].startswith("Mujeres y jóvenes"))
    assert (jobs.values[0][0], jobs.values[-1][0]) == (date(2025, 1, 1), date(2026, 10, 1))
    methods = set(
        session.scalars(select(Measurement.method).where(Measurement.partnership_id == caguan.id))
    )
    assert methods == {"web", "import", "consultation", "sms"}
    revisions = session.scalars(
        select(Measurement.revision).where(Measurement.indicator_id == jobs.indicator.id)
    ).all()
    assert sorted(revisions)[-1] == 2  # a value corrected, the first kept


def test_demo_pulses_show_the_gap_between_company_and_community(session, caguan):
    rounds = session.scalars(
        select(PulseRound).where(PulseRound.partnership_id == caguan.id).order_by(PulseRound.id)
    ).all()
    assert len(rounds) == 2
    for pulse_round in rounds:
        found = pulses.results(session, pulse_round)
        groups = {g.constituency: g for g in found.groups}
        assert {"company", "community", "community_group", "civil_society"} <= set(groups)
        gap = groups["company"].means["mutual_trust"] - groups["community"].means["mutual_trust"]
        assert gap >= 2
        assert found.withheld == 0 and found.gaps[0].wide


def test_demo_review_decisions_made_actions_and_an_amendment(session, caguan):
    log = reviews.decision_log(session, partnership_id=caguan.id)
    assert len(log) == 2
    assert sorted(len(entry.actions) for entry in log) == [1, 2]
    assert sorted(entry.charter_draft_number or 0 for entry in log) == [0, 2]
    assert {entry.review.status for entry in log} == {"held"}


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_demo_progress_report_pdf_holds_the_charts(session, caguan, locale):
    gathered = report.gather(
        session, partnership=caguan, locale=locale, now=datetime(2026, 12, 5, tzinfo=UTC)
    )
    pdf = report_pdf.build(gathered)
    assert pdf.startswith(b"%PDF")
    contents = "".join(
        page.get_contents().get_data().decode("latin-1")
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    # Each indicator's chart draws its straight line from baseline to target, dashed orange.
    assert (
        len(
            re.findall(
                r"0\.7059 0\.3725 0\.0235 RG\n1\.70 w\n\[5\.669 3\.969\] 0\.000 d\n", contents
            )
        )
        == 7
    )
