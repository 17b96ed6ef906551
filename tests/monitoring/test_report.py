"""The progress report: its sections gathered with exact figures, the printable page in a
left-to-right and a right-to-left language, the PDF in Spanish and Arabic parsed back, the
CSV/XLSX of every value with its in-force flag, a flat query count, and who may read it."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest
from openpyxl import load_workbook

from hsbp.actions.models import Action
from hsbp.consultations.models import Consultation, Response
from hsbp.grievances.models import Grievance
from hsbp.monitoring import report, report_pdf, services
from hsbp.monitoring.pulse_models import DIMENSIONS, PulseRound, PulseScore
from hsbp.monitoring.review_models import Decision, DecisionAction, Review
from hsbp.principles.models import CharterVersion
from hsbp.security import Role

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
GOAL = "g" * 32
NBSP = "\xa0"


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán", locales=["es", "en", "ar"])


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, user=make.user(name="Fabiola"))


@pytest.fixture
def charter(session, partnership):
    session.add(
        CharterVersion(
            partnership_id=partnership.id,
            number=1,
            status="adopted",
            content={"goals": [{"key": GOAL, "title": {"es": "Empleo", "en": "Jobs"}}]},
        )
    )
    session.flush()


def add_indicator(session, partnership, actor, name="Empleo local", goal=GOAL):
    return services.create_indicator(
        session,
        actor=actor,
        partnership=partnership,
        fields={
            "name": {"es": name, "en": "Local jobs", "ar": "العمالة المحلية"},
            "definition": {"es": "Parte de empleos locales"},
            "goal_key": goal,
            "kind": "percentage",
            "baseline_value": "20",
            "baseline_on": date(2026, 1, 1),
            "target_value": "40",
            "target_on": date(2028, 1, 1),
            "disaggregation": ["sex"],
        },
    )


def record(session, actor, indicator, period_on, value, **extra):
    return services.record_value(
        session, actor=actor, indicator=indicator, period_on=period_on, value=value, **extra
    )


@pytest.fixture
def indicator(session, partnership, facilitator, charter):
    """25 in July 2026; 22 in January 2027, corrected to 30; 18 for women (a breakdown)."""
    jobs = add_indicator(session, partnership, facilitator)
    record(session, facilitator, jobs, date(2026, 7, 1), "25")
    record(session, facilitator, jobs, date(2027, 1, 1), "22", note="primer conteo")
    record(session, facilitator, jobs, date(2027, 1, 1), "30", correction=True)
    record(session, facilitator, jobs, date(2027, 1, 1), "18", breakdown="sex:female")
    return jobs


def add_round(session, partnership, title, closes_at, scores: dict[str, list[int]]):
    """A closed round; scores: {constituency: [one score per respondent, every dimension]}."""
    pulse_round = PulseRound(
        partnership_id=partnership.id,
        title={"es": title},
        opens_at=closes_at - timedelta(days=14),
        closes_at=closes_at,
        status="closed",
    )
    session.add(pulse_round)
    session.flush()
    session.add_all(
        PulseScore(
            partnership_id=partnership.id,
            round_id=pulse_round.id,
            constituency=constituency,
            dimension=dimension,
            score=value,
        )
        for constituency, values in scores.items()
        for value in values
        for dimension in DIMENSIONS
    )
    session.flush()
    return pulse_round


@pytest.fixture
def everything(session, partnership, facilitator, company, indicator):
    """One overdue and one done action, a closed consultation with its outcome, two
    grievances, two pulse rounds."""
    session.add_all(
        [
            Action(
                partnership_id=partnership.id,
                title={"es": "Pozo para la vereda"},
                lead_partner_id=company.id,
                due_on=date(2027, 1, 31),
                status="in_progress",
            ),
            Action(
                partnership_id=partnership.id,
                title={"es": "Taller de empleo"},
                lead_partner_id=company.id,
                due_on=date(2026, 12, 1),
                status="done",
            ),
        ]
    )
    consultation = Consultation(
        partnership_id=partnership.id,
        title={"es": "Consulta sobre el agua"},
        status="closed",
        closes_at=datetime(2026, 11, 30, 12, tzinfo=UTC),
        outcome={
            "needs": [{"key": "n1", "text": {"es": "Agua potable"}, "goal_key": GOAL}],
            "risks": [{"key": "r1", "text": {"es": "Sequía"}, "goal_key": None}],
        },
    )
    session.add(consultation)
    session.flush()
    session.add_all(
        Response(consultation_id=consultation.id, channel="sms", state=state)
        for state in ("complete", "complete", "complete", "partial", "in_progress")
    )
    received = NOW - timedelta(days=20)
    session.add_all(
        [
            Grievance(
                partnership_id=partnership.id,
                code="RPT-0001",
                channel="sms",
                stage="closed",
                description="El capataz amenazó a mi hermano.",
                received_at=received,
                acknowledged_at=received + timedelta(days=2),
                response_proposed_at=received + timedelta(days=5),
                closed_at=received + timedelta(days=9),
                rating=4,
            ),
            Grievance(
                partnership_id=partnership.id,
                code="RPT-0002",
                channel="public",
                stage="received",
                description="Nadie contesta.",
                received_at=received,
            ),
        ]
    )
    add_round(
        session,
        partnership,
        "Pulso 2026",
        datetime(2026, 6, 2, 5, tzinfo=UTC),
        {"company": [3] * 5},
    )
    add_round(
        session,
        partnership,
        "Pulso 2027",
        datetime(2027, 2, 2, 5, tzinfo=UTC),
        {"company": [4] * 5, "civil_society": [2] * 5, "academic": [5, 5]},
    )
    session.flush()


def test_gather_indicators_by_goal_with_values_in_force(session, partnership, indicator):
    found = report.gather(session, partnership=partnership, locale="en", now=NOW)
    assert found.labels["title"] == "Partnership progress report"
    assert found.as_of == "As of Mar 1, 2027"
    [goal] = found.goals
    assert goal.title == "Jobs"
    [line] = goal.indicators
    assert (line.name, line.definition) == ("Local jobs", "Parte de empleos locales")
    # Amounts between Unicode isolates, so each keeps its order in a right-to-left line.
    assert line.baseline == "\u206820 %\u2069 (Jan 1, 2026)"
    assert line.target == "\u206840 %\u2069 (Jan 1, 2028)"
    assert line.latest == "\u206830 %\u2069 (Jan 1, 2027)"
    # (30 - 20) / (40 - 20): half the way, where the straight line is a year in.
    assert (line.achieved, line.track, line.track_label) == ("50%", "on_track", "On track")
    assert [(d, str(v)) for d, v in line.values] == [
        (date(2026, 7, 1), "25.0000"),
        (date(2027, 1, 1), "30.0000"),
    ]
    assert line.axis == ("Jan 1, 2026", "Jan 1, 2028", "20 %", "40 %")
    assert 'stroke-dasharray="6 4"' in line.chart


def test_gather_every_section_with_exact_figures(session, partnership, everything):
    found = report.gather(session, partnership=partnership, locale="en", now=NOW)
    assert found.actions.total == 2
    assert found.actions.by_status == [
        ("Planned", 0),
        ("In progress", 1),
        ("Done", 1),
        ("Blocked", 0),
        ("Dropped", 0),
    ]
    assert found.actions.overdue == [
        (
            "Pozo para la vereda",
            "Minera Andina",
            "Jan 31, 2027",
            "In progress",
        )
    ]
    [consultation] = found.consultations
    assert (consultation.title, consultation.closed_on) == (
        "Consulta sobre el agua",
        "Nov 30, 2026",
    )
    assert (consultation.complete, consultation.partial) == (3, 1)
    assert consultation.responses == "Complete responses: 3; partial: 1"
    assert consultation.outcome == [
        ("Needs", ["\u2068Agua potable\u2069 (now a charter goal)"]),
        ("Risks", ["Sequía"]),
    ]
    assert found.grievances == [
        ("Grievances received", "2"),
        ("Received", "1"),
        ("Closed", "1"),
        ("Acknowledged in time", "50% (1 of 2)"),
        ("Response proposed in time", "100% (1 of 1)"),
        ("Median days to acknowledge", "2"),
        ("Median days to close", "9"),
        # One rating could be told apart: the report, read by every member, pools it.
        ("Satisfaction with the outcome", "fewer than 5"),
    ]
    pulses = found.pulses
    assert pulses.title == "Latest round: \u2068Pulso 2027\u2069"
    assert pulses.respondents == "12 people answered."
    # The two academics are too few to pool on their own: withheld, never shown.
    assert pulses.groups == ["Civil society (5)", "Company (5)"]
    assert pulses.rows[0] == ("Locally driven", ["2.0", "4.0"], "2.0", True)
    assert pulses.trend == [
        ("Pulso 2026", "Jun 1, 2026", "3.0", "—"),
        ("Pulso 2027", "Feb 1, 2027", "3.3", "Locally driven: 2.0"),
    ]
    assert "El capataz" not in repr(found) and "RPT-0001" not in repr(found)


def add_decision(session, partnership, action, text, decided_at, draft=None):
    review = Review(
        partnership_id=partnership.id,
        title={"es": "Revisión anual", "en": "Annual review"},
        scheduled_at=decided_at,
        status="held",
    )
    session.add(review)
    session.flush()
    decision = Decision(
        partnership_id=partnership.id,
        review_id=review.id,
        text=text,
        decided_by="Todos los socios",
        rule="consensus",
        decided_at=decided_at,
        charter_version_id=draft.id if draft else None,
    )
    session.add(decision)
    session.flush()
    if action is not None:
        session.add(
            DecisionAction(
                partnership_id=partnership.id, decision_id=decision.id, action_id=action.id
            )
        )
    session.flush()
    return decision


def test_gather_decisions_newest_first_with_actions_and_draft(
    session, partnership, company, charter
):
    well = Action(
        partnership_id=partnership.id,
        title={"es": "Pozo para la vereda", "en": "A well"},
        lead_partner_id=company.id,
        due_on=date(2027, 6, 30),
    )
    draft = CharterVersion(partnership_id=partnership.id, number=2, status="draft", content={})
    session.add_all([well, draft])
    session.flush()
    add_decision(
        session, partnership, None, "Medir cada trimestre", datetime(2026, 9, 1, 15, tzinfo=UTC)
    )
    add_decision(
        session, partnership, well, "Perforar un pozo", datetime(2027, 2, 10, 15, tzinfo=UTC), draft
    )
    found = report.gather(session, partnership=partnership, locale="en", now=NOW)
    assert found.decisions == [
        report.DecisionLine(
            decided_on="Feb 10, 2027",
            review="Annual review",
            text="Perforar un pozo",
            decided_by="Todos los socios",
            rule="Consensus",
            actions=["\u2068A well\u2069 (\u2068Minera Andina\u2069, Jun 30, 2027)"],
            charter_draft="Charter amendment draft 2",
        ),
        report.DecisionLine(
            decided_on="Sep 1, 2026",
            review="Annual review",
            text="Medir cada trimestre",
            decided_by="Todos los socios",
            rule="Consensus",
            actions=[],
            charter_draft="",
        ),
    ]


def test_gather_shows_the_mean_rating_once_five_complainants_rated(session, partnership):
    closed = NOW - timedelta(days=3)
    session.add_all(
        Grievance(
            partnership_id=partnership.id,
            code=f"RPT-{n:04d}",
            channel="sms",
            stage="closed",
            description="Queja",
            received_at=closed - timedelta(days=9),
            closed_at=closed,
            rating=rating,
        )
        for n, rating in enumerate([5, 4, 4, 3, 5])
    )
    session.flush()
    found = report.gather(session, partnership=partnership, locale="en", now=NOW)
    assert found.grievances[-1] == ("Satisfaction with the outcome", "4.2 (ratings: 5)")


def test_gather_of_an_empty_partnership_has_empty_sections(session, partnership):
    found = report.gather(session, partnership=partnership, locale="es", now=NOW)
    assert (found.goals, found.consultations, found.pulses, found.decisions) == ([], [], None, [])
    assert found.actions.total == 0
    assert found.grievances[0] == ("Quejas recibidas", "0")


def test_report_page_in_english(client, login, partnership, facilitator, everything):
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/monitoring/report").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert "<h1>Partnership progress report</h1>" in page
    assert (
        '<th scope="row">Local jobs<br><span class="hint">Parte de empleos locales</span></th>'
        in page
    )
    assert ">\u206830 %\u2069 (Jan 1, 2027)</td>" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "Latest round: \u2068Pulso 2027\u2069" in page
    assert "El capataz" not in page


def test_report_page_in_arabic_is_right_to_left(client, login, make, partnership, everything):
    reader = make.member(partnership, Role.OBSERVER, user=make.user(locale="ar"))
    login(reader)
    page = client.get(f"/p/{partnership.id}/monitoring/report").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<th scope="col">المؤشر</th>' in page  # "Indicator"
    assert '<th scope="col">خط الأساس</th>' in page  # "Baseline"
    assert "العمالة المحلية" in page
    assert '<h2 id="report-actions">الإجراءات المشتركة</h2>' in page  # "Joint actions"


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def test_pdf_in_spanish_holds_the_title_the_indicator_and_its_chart(
    session, partnership, everything
):
    found = report.gather(session, partnership=partnership, locale="es", now=NOW)
    body = report_pdf.build(found)
    assert body.startswith(b"%PDF-")
    text = pdf_text(body)
    assert found.labels["title"] in text
    assert "Empleo local" in text and "Caguán" in text
    assert "Pozo para la vereda" in text
    first = pypdf.PdfReader(io.BytesIO(body)).pages[0].get_contents().get_data().decode("latin-1")
    # The chart: the dashed straight line from baseline to target in orange, then the two
    # values in force as a line in the values' blue.
    assert re.search(
        r"0\.7059 0\.3725 0\.0235 RG\n1\.70 w\n\[5\.669 3\.969\] 0\.000 d\n"
        r"[\d.]+ [\d.]+ m [\d.]+ [\d.]+ l S",
        first,
    )
    assert re.search(
        r"0\.0431 0\.3255 0\.5804 RG\n1\.42 w\n[\d.]+ [\d.]+ m\n[\d.]+ [\d.]+ l\n S", first
    )


def test_pdf_in_arabic_is_shaped_right_to_left(session, partnership, everything):
    found = report.gather(session, partnership=partnership, locale="ar", now=NOW)
    assert found.rtl is True
    body = report_pdf.build(found)
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = pdf_text(body)
    assert "العمالة المحلية" in text  # the indicator's Arabic name, shaped and read back
    assert "الإجراءات المشتركة" in text  # "Joint actions"
    assert reader.metadata.title.startswith(found.labels["title"])
    first = reader.pages[0]
    fonts = {str(font["/BaseFont"]) for font in first["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in font for font in fonts)


def test_pdf_download_picks_another_shipped_language(client, login, partnership, facilitator):
    login(facilitator)
    response = client.get(f"/p/{partnership.id}/monitoring/report.pdf?lang=ar")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert f"progress-report-{partnership.id}-ar-" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF-")
    assert "الإجراءات المشتركة" in pdf_text(response.data)  # "Joint actions"
    assert client.get(f"/p/{partnership.id}/monitoring/report.pdf?lang=xx").status_code == 404


def test_values_csv_holds_every_revision_with_its_in_force_flag(
    client, login, partnership, facilitator, indicator
):
    login(facilitator)
    response = client.get(f"/p/{partnership.id}/monitoring/values.csv")
    assert response.content_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Indicator",
        "Charter goal",
        "Period",
        "Breakdown",
        "Revision",
        "Value",
        "In force",
        "Method",
        "Reported by",
        "Reported at",
        "Note",
    ]
    assert [[*r[:9], r[10]] for r in rows[1:]] == [
        ["Local jobs", "Jobs", "2026-07-01", "", "1", "25", "Yes", "On the web", "Fabiola", ""],
        [
            "Local jobs",
            "Jobs",
            "2027-01-01",
            "",
            "1",
            "22",
            "No",
            "On the web",
            "Fabiola",
            "primer conteo",
        ],
        ["Local jobs", "Jobs", "2027-01-01", "", "2", "30", "Yes", "On the web", "Fabiola", ""],
        [
            "Local jobs",
            "Jobs",
            "2027-01-01",
            "sex:female",
            "1",
            "18",
            "Yes",
            "On the web",
            "Fabiola",
            "",
        ],
    ]


def test_values_xlsx_keeps_dates_and_numbers(client, login, partnership, facilitator, indicator):
    login(facilitator)
    response = client.get(f"/p/{partnership.id}/monitoring/values.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["values"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    assert rows[2][:7] == ("Local jobs", "Jobs", datetime(2027, 1, 1), None, 1, 22, "No")
    assert rows[3][4:7] == (2, 30, "Yes")


def test_report_query_count_is_flat(
    session, client, login, partnership, facilitator, charter, company, count_queries
):
    login(facilitator)

    def add(n):
        for i in range(n):
            jobs = add_indicator(session, partnership, facilitator, name=f"I{i}")
            for month in (1, 4, 7):
                record(session, facilitator, jobs, date(2026, month, 1), "25")
            action = Action(
                partnership_id=partnership.id,
                title={"es": f"A{i}"},
                lead_partner_id=company.id,
                due_on=date(2026, 1, 1),
                status="planned",
            )
            consultation = Consultation(
                partnership_id=partnership.id,
                title={"es": f"C{i}"},
                status="closed",
                outcome={"needs": [{"key": "n", "text": {"es": "Agua"}, "goal_key": None}]},
            )
            session.add_all([action, consultation])
            session.flush()
            session.add(Response(consultation_id=consultation.id, channel="web", state="complete"))
            add_decision(session, partnership, action, f"D{i}", datetime(2026, 5, 1, tzinfo=UTC))
            add_round(
                session,
                partnership,
                f"R{i}",
                datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=i),
                {"company": [3] * 5},
            )

    def count(path):
        with count_queries() as counter:
            assert client.get(f"/p/{partnership.id}/monitoring/{path}").status_code == 200
        return counter["n"]

    add(2)
    paths = ("report", "report.pdf", "values.csv")
    few = [count(path) for path in paths]
    add(8)
    assert [count(path) for path in paths] == few


@pytest.mark.parametrize("path", ["report", "report.pdf", "values.csv", "values.xlsx"])
def test_report_pages_are_closed_to_other_partnerships(client, login, make, partnership, path):
    outsider = make.member(make.partnership())
    login(outsider)
    assert client.get(f"/p/{partnership.id}/monitoring/{path}").status_code == 404


def test_pdf_in_arabic_keeps_names_and_amounts_in_their_own_order(session, partnership, everything):
    found = report.gather(session, partnership=partnership, locale="ar", now=NOW)
    text = pdf_text(report_pdf.build(found))
    # The text comes back in the order drawn, left to right. Without isolates the Arabic
    # line would draw "% 30" and the Latin title "Latest round: Pulso 2027" out of order.
    plain = text.replace("\u2068", "").replace("\u2069", "")
    assert "\u206930 %\u2068" in text and "% 30" not in plain
    assert "Minera Andina" in plain
