"""Linked rows named for a page: a risk's links described in the reader's language, with
the row's own page and what the remedy summary needs (status, progress, rating), one query per
kind of row however many links (hsbp.risks.targets resolves what members type)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions.models import Action
from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeValidation
from hsbp.grievances import codes
from hsbp.grievances.models import Grievance
from hsbp.i18n import translated
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.monitoring.pulse_views import DIMENSION_LABELS
from hsbp.risks.incident_models import Incident
from hsbp.risks.models import LinkKind

KIND_LABELS = {
    LinkKind.GRIEVANCE: _l("Grievance"),
    LinkKind.INCIDENT: _l("Incident"),
    LinkKind.OUTCOME_ITEM: _l("Consultation outcome item"),
    LinkKind.PULSE_GAP: _l("Pulse gap"),
    LinkKind.ACTION: _l("Action"),
    LinkKind.INDICATOR: _l("Indicator"),
}


@dataclass(frozen=True)
class Described:
    """A linked row as a page names it. `exists` is False when the row has gone (the link
    stays, saying so); `page` is the endpoint and values of the row's own page."""

    label: str
    exists: bool = True
    status: str = ""  # an action's status, a grievance's stage, an incident's status
    progress: int = 0  # an action's, in percent
    partner_id: int | None = None  # the partner a grievance concerns
    rating: int | None = None  # a grievance's rating of its outcome, 1..5
    context: str = ""  # an outcome item's consultation title
    page: tuple[str, dict] | None = field(default=None)


def item_text(outcome: dict | None, key: str) -> dict | None:
    """The {locale: text} of item `key` in a round's outcome ({section: [{key, text}]})."""
    for items in (outcome or {}).values():
        for item in items or []:
            if item.get("key") == key:
                return item.get("text") or {}
    return None


def gap_label(round_title: str, dimension: str) -> str:
    return _(
        "%(dimension)s, pulse round “%(round)s”",
        dimension=DIMENSION_LABELS.get(dimension, dimension),
        round=round_title,
    )


def reader_language() -> tuple[str, str]:
    """(the reader's language, the partnership's default) for multilingual texts."""
    fallback = "en"
    if has_request_context() and g.get("partnership") is not None:
        fallback = g.partnership.default_locale
    return str(get_locale() or fallback), fallback


def in_reader_language(values: dict | None) -> str:
    locale, fallback = reader_language()
    return translated(values, locale=locale, fallback=fallback)


def describe(session: Session, *, partnership_id: int, links: Iterable) -> dict[int, Described]:
    """{link id: the linked row as a page names it} for `links` (RiskLink rows of one
    partnership): one query per kind present, however many links."""
    by_kind: dict[str, list] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link)
    locale, fallback = reader_language()
    out: dict[int, Described] = {}
    for kind, some in by_kind.items():
        loader = _LOADERS.get(kind)
        found = loader(session, partnership_id, some, locale, fallback) if loader else {}
        for link in some:
            out[link.id] = found.get(link.id) or Described(
                _(
                    "%(kind)s #%(id)s, no longer there",
                    kind=KIND_LABELS.get(kind, kind),
                    id=link.target_id,
                ),
                exists=False,
            )
    return out


def _ids(links: list) -> list[int]:
    return sorted({link.target_id for link in links})


def _load_grievances(session, partnership_id, links, _locale, _fallback):
    rows = {
        row.id: row
        for row in session.execute(
            select(
                Grievance.id,
                Grievance.code,
                Grievance.stage,
                Grievance.partner_id,
                Grievance.rating,
            ).where(Grievance.partnership_id == partnership_id, Grievance.id.in_(_ids(links)))
        )
    }
    return {
        link.id: Described(
            codes.shown(row.code),
            status=row.stage,
            partner_id=row.partner_id,
            rating=row.rating,
            page=("grievances.detail", {"grievance_id": row.id}),
        )
        for link in links
        if (row := rows.get(link.target_id)) is not None
    }


def _load_incidents(session, partnership_id, links, _locale, _fallback):
    rows = {
        row.id: row
        for row in session.execute(
            select(Incident.id, Incident.number, Incident.status).where(
                Incident.partnership_id == partnership_id, Incident.id.in_(_ids(links))
            )
        )
    }
    return {
        link.id: incident_described(row)
        for link in links
        if (row := rows.get(link.target_id)) is not None
    }


def incident_described(row) -> Described:
    """An incident (a row with id, number and status) as a page names it."""
    return Described(
        f"I-{row.number}", status=row.status, page=("risks.incident", {"incident_id": row.id})
    )


def _load_outcome_items(session, partnership_id, links, locale, fallback):
    rows = {
        row.id: row
        for row in session.execute(
            select(
                OutcomeValidation.id,
                OutcomeValidation.consultation_id,
                OutcomeValidation.outcome,
                Consultation.title,
            )
            .join(Consultation, Consultation.id == OutcomeValidation.consultation_id)
            .where(
                OutcomeValidation.partnership_id == partnership_id,
                OutcomeValidation.id.in_(_ids(links)),
            )
        )
    }
    out = {}
    for link in links:
        row = rows.get(link.target_id)
        text = item_text(row.outcome, link.key) if row is not None else None
        if text is None:
            continue
        out[link.id] = Described(
            translated(text, locale=locale, fallback=fallback),
            context=translated(row.title, locale=locale, fallback=fallback),
            page=("consultations.validation_page", {"consultation_id": row.consultation_id}),
        )
    return out


def _load_pulse_gaps(session, partnership_id, links, locale, fallback):
    titles = dict(
        session.execute(
            select(PulseRound.id, PulseRound.title).where(
                PulseRound.partnership_id == partnership_id, PulseRound.id.in_(_ids(links))
            )
        ).all()
    )
    return {
        link.id: Described(
            gap_label(
                translated(titles[link.target_id], locale=locale, fallback=fallback), link.key
            ),
            page=("monitoring.pulse_results", {"round_id": link.target_id}),
        )
        for link in links
        if link.target_id in titles
    }


def _load_actions(session, partnership_id, links, locale, fallback):
    rows = {
        row.id: row
        for row in session.execute(
            select(Action.id, Action.title, Action.status, Action.progress).where(
                Action.partnership_id == partnership_id, Action.id.in_(_ids(links))
            )
        )
    }
    return {
        link.id: Described(
            translated(row.title, locale=locale, fallback=fallback),
            status=row.status,
            progress=row.progress,
            page=("actions.detail", {"action_id": row.id}),
        )
        for link in links
        if (row := rows.get(link.target_id)) is not None
    }


def _load_indicators(session, partnership_id, links, locale, fallback):
    names = dict(
        session.execute(
            select(Indicator.id, Indicator.name).where(
                Indicator.partnership_id == partnership_id, Indicator.id.in_(_ids(links))
            )
        ).all()
    )
    return {
        link.id: Described(
            translated(names[link.target_id], locale=locale, fallback=fallback),
            page=("monitoring.detail", {"indicator_id": link.target_id}),
        )
        for link in links
        if link.target_id in names
    }


_LOADERS = {
    LinkKind.GRIEVANCE: _load_grievances,
    LinkKind.INCIDENT: _load_incidents,
    LinkKind.OUTCOME_ITEM: _load_outcome_items,
    LinkKind.PULSE_GAP: _load_pulse_gaps,
    LinkKind.ACTION: _load_actions,
    LinkKind.INDICATOR: _load_indicators,
}
