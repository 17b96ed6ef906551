"""What the link forms of a risk's page offer to pick: the partnership's actions and
indicators, the items of its validated consultation outcomes, and the gaps between
constituencies of its recent pulse rounds. A fixed number of queries whatever the counts."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions.forms import STATUS_LABELS as ACTION_STATUS_LABELS
from hsbp.actions.models import Action
from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeValidation
from hsbp.i18n import translated
from hsbp.monitoring import pulses
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.monitoring.pulse_views import CONSTITUENCY_LABELS
from hsbp.risks.link_rows import gap_label, reader_language
from hsbp.risks.models import LinkKind

# Pulse rounds whose gaps are offered, newest first: older gaps are still linkable by the
# page's address, but a risk is seen in what the partners say now.
RECENT_ROUNDS = 3
LABEL_MAX = 140

Choices = list[tuple[str, str]]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1].rstrip() + "…"


def _sorted(choices: Choices) -> Choices:
    return sorted(choices, key=lambda choice: (choice[1].casefold(), choice[0]))


def actions(session: Session, *, partnership_id: int) -> Choices:
    locale, fallback = reader_language()
    rows = session.execute(
        select(Action.id, Action.title, Action.status).where(
            Action.partnership_id == partnership_id
        )
    )
    return _sorted(
        [
            (
                str(row.id),
                _short(
                    _(
                        "%(title)s (%(status)s)",
                        title=translated(row.title, locale=locale, fallback=fallback),
                        status=ACTION_STATUS_LABELS.get(row.status, row.status),
                    )
                ),
            )
            for row in rows
        ]
    )


def indicators(session: Session, *, partnership_id: int) -> Choices:
    locale, fallback = reader_language()
    rows = session.execute(
        select(Indicator.id, Indicator.name).where(Indicator.partnership_id == partnership_id)
    )
    return _sorted(
        [
            (str(row.id), _short(translated(row.name, locale=locale, fallback=fallback)))
            for row in rows
        ]
    )


def outcome_items(session: Session, *, partnership_id: int) -> Choices:
    """Items of the outcomes the partners validated (and that were not edited since), as
    "<round id>:<item key>", newest outcome first."""
    locale, fallback = reader_language()
    rows = session.execute(
        select(OutcomeValidation.id, OutcomeValidation.outcome, Consultation.title)
        .join(Consultation, Consultation.id == OutcomeValidation.consultation_id)
        .where(
            OutcomeValidation.partnership_id == partnership_id,
            Consultation.partnership_id == partnership_id,
            OutcomeValidation.validated_at.is_not(None),
            OutcomeValidation.superseded_at.is_(None),
        )
        .order_by(OutcomeValidation.validated_at.desc(), OutcomeValidation.id.desc())
    )
    out = []
    for row in rows:
        title = translated(row.title, locale=locale, fallback=fallback)
        for items in (row.outcome or {}).values():
            for item in items or []:
                text = translated(item.get("text"), locale=locale, fallback=fallback)
                out.append((f"{row.id}:{item['key']}", _short(f"{title}: {text}")))
    return out


def pulse_gaps(session: Session, *, partnership_id: int) -> Choices:
    """The gaps between constituencies of the latest RECENT_ROUNDS pulse rounds, as
    "<round id>:<dimension>", widest first within a round."""
    locale, fallback = reader_language()
    rounds = session.scalars(
        select(PulseRound)
        .where(PulseRound.partnership_id == partnership_id)
        .order_by(PulseRound.opens_at.desc(), PulseRound.id.desc())
        .limit(RECENT_ROUNDS)
    ).all()
    out = []
    for pulse_round in rounds:
        title = translated(pulse_round.title, locale=locale, fallback=fallback)
        for gap in pulses.results(session, pulse_round).gaps:
            if gap.difference <= 0:
                continue
            detail = _(
                "%(difference)s points between %(high)s and %(low)s",
                difference=format_decimal(gap.difference, format="0.0"),
                high=CONSTITUENCY_LABELS.get(gap.high.constituency, gap.high.constituency),
                low=CONSTITUENCY_LABELS.get(gap.low.constituency, gap.low.constituency),
            )
            label = f"{gap_label(title, gap.dimension)}: {detail}"
            out.append((f"{pulse_round.id}:{gap.dimension}", label))
    return out


# The kinds picked from a list, and how their list is read; the others are typed.
PICKED = {
    LinkKind.ACTION: actions,
    LinkKind.INDICATOR: indicators,
    LinkKind.OUTCOME_ITEM: outcome_items,
    LinkKind.PULSE_GAP: pulse_gaps,
}


def all_choices(session: Session, *, partnership_id: int) -> dict[str, Choices]:
    return {kind: read(session, partnership_id=partnership_id) for kind, read in PICKED.items()}
