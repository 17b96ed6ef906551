"""Rows the framework tests build directly (a charter with goals, actions, indicators with
values, risks with connections, grievances linked to them), so the tests of tagging and of the
report by framework do not depend on other parts' forms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hsbp.actions.models import Action
from hsbp.grievances.models import Grievance
from hsbp.monitoring.models import Indicator, Measurement
from hsbp.principles.content import empty_content
from hsbp.principles.models import CharterVersion
from hsbp.risks import salience
from hsbp.risks.framework_models import FrameworkTag
from hsbp.risks.models import LinkKind, Risk, RiskConnection, RiskLink

WATER, JOBS = "a" * 32, "b" * 32


def charter(session, partnership, *, status="adopted", number=1, goals=None) -> CharterVersion:
    content = empty_content()
    content["goals"] = (
        goals
        if goals is not None
        else [
            {"key": WATER, "title": {"es": "Agua limpia", "en": "Clean water"}, "due": None},
            {"key": JOBS, "title": {"es": "Empleo local", "en": "Local jobs"}, "due": None},
        ]
    )
    version = CharterVersion(
        partnership_id=partnership.id, number=number, status=status, content=content
    )
    session.add(version)
    session.flush()
    return version


def action(session, partnership, lead, title="Planta de tratamiento", **fields) -> Action:
    row = Action(
        partnership_id=partnership.id,
        title={"es": title, "en": f"{title} (en)"},
        lead_partner_id=lead.id,
        **{"status": "in_progress", "progress": 40, "due_on": date(2026, 9, 30), **fields},
    )
    session.add(row)
    session.flush()
    return row


def indicator(session, partnership, name="Familias con agua potable", values=(), **fields):
    """From 100 at the start of 2026 to 300 by 2027 (a number of families)."""
    row = Indicator(
        partnership_id=partnership.id,
        name={"es": name},
        kind="number",
        unit="familias",
        baseline_value=Decimal(100),
        baseline_on=date(2026, 1, 1),
        target_value=Decimal(300),
        target_on=date(2027, 1, 1),
        **fields,
    )
    session.add(row)
    session.flush()
    for period_on, value in values:
        session.add(
            Measurement(
                partnership_id=partnership.id,
                indicator_id=row.id,
                period_on=period_on,
                value=Decimal(value),
            )
        )
    session.flush()
    return row


def risk(
    session, partnership, number, title="Contaminación del río", connections=(), **fields
) -> Risk:
    """A risk with `connections` [(partner, "contributes")...]: scale 3, scope 2, irremediability
    3 (severity 8, medium) and likelihood 3 (likely) unless `fields` say otherwise."""
    values = {"scale": 3, "scope": 2, "irremediability": 3, "likelihood": 3, "kind": "potential"}
    values.update(fields)
    row = Risk(
        partnership_id=partnership.id,
        number=number,
        title={"es": title},
        salience=salience.salience(
            scale=values["scale"],
            scope=values["scope"],
            irremediability=values["irremediability"],
            likelihood=values["likelihood"],
            kind=values["kind"],
        ),
        **values,
    )
    session.add(row)
    session.flush()
    for partner, connection in connections:
        session.add(
            RiskConnection(
                partnership_id=partnership.id,
                risk_id=row.id,
                partner_id=partner.id,
                connection=connection,
                reasoning="Vertimientos de la planta.",
            )
        )
    session.flush()
    return row


def grievance(session, partnership, code, *, stage="received", days_to_close=None) -> Grievance:
    received = datetime(2026, 3, 1, 12, tzinfo=UTC)
    row = Grievance(
        partnership_id=partnership.id,
        code=code,
        channel="web",
        description="Confidencial",
        stage=stage,
        received_at=received,
        closed_at=received.replace(day=1 + days_to_close) if days_to_close else None,
    )
    session.add(row)
    session.flush()
    return row


def link_grievance(session, risk_row, grievance_row) -> None:
    session.add(
        RiskLink(
            partnership_id=risk_row.partnership_id,
            risk_id=risk_row.id,
            kind=LinkKind.GRIEVANCE,
            target_id=grievance_row.id,
        )
    )
    session.flush()


def tag(session, partnership, kind, key, *references) -> None:
    for code in references:
        session.add(
            FrameworkTag(
                partnership_id=partnership.id,
                subject_kind=kind,
                subject_key=str(key),
                reference=code,
            )
        )
    session.flush()
