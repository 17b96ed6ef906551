"""What the links part of risks plugs into the app: the template globals the risk's page and
other features' pages call (other features must not import risks), the section of an
action's page listing the risks it answers, and the audit sentences of links.

- `risk_links_view(risk)`: the risk's sources and answers as the reader may see them, with
  the link forms for those who may change the risk (templates/risks/_links.html);
- `risk_remedy(risk)`: whether remedy is under way and what the affected people said
  (templates/risks/_remedy.html);
- `risks_linked(kind, target_id)`: the risks linked to a grievance, an incident, an outcome
  item's round, a pulse round, an action or an indicator that the reader may read, for the
  "Linked risks" line (templates/risks/link_reverse.html).
"""

from __future__ import annotations

from flask import Flask, g

from hsbp import db
from hsbp.actions import extras
from hsbp.risks import (
    link_activity,  # noqa: F401 (audit sentences, at import)
    link_display,
    remedy,
)
from hsbp.risks.link_forms import SUBMIT_LABELS
from hsbp.risks.link_rows import in_reader_language
from hsbp.risks.links import ROLE_LABELS
from hsbp.risks.models import Risk


def risk_links_view(risk: Risk) -> link_display.LinksView:
    return link_display.links_view(db.session(), risk=risk, membership=g.membership)


def risk_remedy(risk: Risk) -> remedy.Remedy:
    return remedy.remedy_of(db.session(), risk=risk)


def risks_linked(kind: str, target_id: int) -> list[Risk]:
    return link_display.risks_linked(
        db.session(), membership=g.get("membership"), kind=kind, target_id=target_id
    )


def local_risk_title(risk: Risk) -> str:
    """A risk's title in the reader's language, for other features' pages."""
    return in_reader_language(risk.title)


def init_app(app: Flask) -> None:
    """Register this part's template globals, action-page section and audit sentences."""
    app.add_template_global(local_risk_title, "local_risk_title")
    app.add_template_global(ROLE_LABELS, "LINK_ROLE_LABELS")
    app.add_template_global(SUBMIT_LABELS, "LINK_SUBMIT_LABELS")
    app.add_template_global(risk_links_view, "risk_links_view")
    app.add_template_global(risk_remedy, "risk_remedy")
    app.add_template_global(risks_linked, "risks_linked")
    extras.add_section(
        app, template="risks/link_on_action.html", context=link_display.action_section
    )
