"""Recording and changing risks of the register, and their status.

Every value is checked before anything changes, so a refused save leaves the register as it
was (nothing half-saved). Salience is recomputed on every save (hsbp.risks.salience), so the
register sorts in SQL. The audit log names a risk by its id and its number ("R-7"), never by
its text, which may describe people.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.human_security import Dimension
from hsbp.partnerships.models import Membership, Partnership
from hsbp.risks import links, permissions, queries, rights, salience, targets
from hsbp.risks.models import LinkKind, Risk, RiskKind, RiskStatus

NOT_EDITABLE = _l(
    "Only facilitators, whoever recorded the risk and the partners connected to it change it."
)
TITLE_MAX, TEXT_MAX, GROUPS_MAX, REASON_MAX = 200, 5000, 2000, 2000
PLACE_MAX, PLACES_MAX = 200, 40
# Where a risk can be seen first, each with a page offering "record a risk from this".
SOURCE_KINDS = (LinkKind.GRIEVANCE, LinkKind.INCIDENT, LinkKind.OUTCOME_ITEM, LinkKind.PULSE_GAP)
# What an update's entry lists as changed (names only: the texts may describe people).
TRACKED = ["title", "description", "kind", "affected_groups", "localities", "rights"]
TRACKED += ["dimensions", "scale", "scope", "irremediability", "likelihood"]


def label_of(risk: Risk) -> str:
    """The risk's number as people cite it: R-7."""
    return f"R-{risk.number}"


def create_risk(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    fields: dict,
    source: tuple[str, str] | None = None,
) -> Risk:
    """A new risk from `fields` (see `checked`), numbered after the partnership's last one,
    tied to where it was seen when `source` names it ((kind, reference) of SOURCE_KINDS,
    resolved by hsbp.risks.targets). Raises ServiceError (with the form field) when a rule
    refuses it. Side effects: the risk, an audit entry, and the source's link (audited)."""
    if membership.partnership_id != partnership.id or not permissions.can_record_risk(membership):
        raise ServiceError(_l("Only facilitators and partner representatives record risks."))
    values = checked(session, partnership, fields)
    target = _source_target(session, membership, source)
    number = session.scalar(
        select(func.coalesce(func.max(Risk.number), 0)).where(Risk.partnership_id == partnership.id)
    )
    risk = Risk(partnership_id=partnership.id, number=number + 1, created_by_id=actor.id)
    _apply(risk, values)
    session.add(risk)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="risk.create",
        obj=risk,
        partnership_id=partnership.id,
        details={"label": label_of(risk), "kind": risk.kind, "salience": risk.salience},
    )
    if target is not None:
        kind, (target_id, key, _label) = target
        links.add_link(
            session, risk=risk, kind=kind, target_id=target_id, key=key, actor_id=actor.id
        )
    return risk


def update_risk(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    risk: Risk,
    fields: dict,
) -> Risk:
    """Change every field of `risk` from `fields`, for those who may edit it. Side effects:
    the risk and an audit entry listing what changed (when anything did)."""
    if risk.partnership_id != partnership.id or not permissions.can_edit_risk(membership, risk):
        raise ServiceError(NOT_EDITABLE)
    values = checked(session, partnership, fields)
    before = audit.snapshot(risk, TRACKED)
    _apply(risk, values)
    session.flush()
    changed = list(audit.changes(risk, TRACKED, before))
    if changed:
        audit.record(
            session,
            actor_id=actor.id,
            action="risk.update",
            obj=risk,
            partnership_id=partnership.id,
            details={"label": label_of(risk), "changed": changed, "salience": risk.salience},
        )
    return risk


def change_status(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    risk: Risk,
    status: str,
    reason: str = "",
) -> Risk:
    """Mark `risk` addressed or closed (with the reason, which is required), or open it again.
    Side effects: the risk and an audit entry."""
    if not permissions.can_edit_risk(membership, risk):
        raise ServiceError(NOT_EDITABLE)
    try:
        status = RiskStatus(status)
    except ValueError:
        raise ServiceError(_l("Choose a status from the list."), field="status") from None
    reason = (reason or "").strip()
    if status == risk.status:
        raise ServiceError(_l("The risk already has this status."), field="status")
    if status is not RiskStatus.OPEN and not reason:
        raise ServiceError(
            _l("Say why: what was done, or why it no longer applies."), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            _l("Keep the reason under %(count)d characters.", count=REASON_MAX), field="reason"
        )
    old = risk.status
    risk.status = status
    # Reopened, the risk is open again: the reason it was closed for no longer stands.
    risk.status_reason = reason if status is not RiskStatus.OPEN else ""
    risk.closed_at = None if status is RiskStatus.OPEN else utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="risk.status",
        obj=risk,
        partnership_id=risk.partnership_id,
        details={"label": label_of(risk), "status": [str(old), str(status)]},
    )
    return risk


# Checking the values ------------------------------------------------------------------------


def checked(session: Session, partnership: Partnership, fields: dict) -> dict:
    """Every field of the risk form, checked and cleaned, before anything is changed:
    title and description ({locale: text} over the partnership's languages, one title at
    least), kind, affected groups, localities (picked and typed), rights, dimensions, and
    the four factors (1..4)."""
    locales = list(partnership.locales or [partnership.default_locale])
    title = _texts(fields.get("title"), locales, TITLE_MAX, "title")
    if not title:
        first = partnership.default_locale if partnership.default_locale in locales else locales[0]
        raise ServiceError(_l("Give the risk a title."), field=f"title-{first}")
    kind = fields.get("kind") or RiskKind.POTENTIAL
    if kind not in set(RiskKind):
        raise ServiceError(_l("Say whether it could happen or has happened."), field="kind")
    groups = (fields.get("affected_groups") or "").strip()
    if len(groups) > GROUPS_MAX:
        raise ServiceError(
            _l("Keep this under %(count)d characters.", count=GROUPS_MAX), field="affected_groups"
        )
    if set(fields.get("rights") or ()) - set(rights.RIGHT_KEYS):
        raise ServiceError(_l("Choose rights from the list."), field="rights")
    dimensions = set(fields.get("dimensions") or ())
    if dimensions - set(Dimension):
        raise ServiceError(_l("Choose dimensions from the list."), field="dimensions")
    factors = {name: _level(fields.get(name), name) for name in salience.FACTORS}
    return {
        "title": title,
        "description": _texts(fields.get("description"), locales, TEXT_MAX, "description"),
        "kind": RiskKind(kind),
        "affected_groups": groups,
        "localities": localities_of(
            session, partnership, fields.get("localities"), fields.get("other_localities") or ""
        ),
        "rights": rights.known(fields.get("rights")),
        "dimensions": [str(d) for d in Dimension if d in dimensions],
        **factors,
    }


def _apply(risk: Risk, values: dict) -> None:
    for name, value in values.items():
        setattr(risk, name, value)
    risk.likelihood = salience.likelihood_of(risk.kind, risk.likelihood)
    risk.salience = salience.salience(
        scale=risk.scale,
        scope=risk.scope,
        irremediability=risk.irremediability,
        likelihood=risk.likelihood,
        kind=risk.kind,
    )


def _texts(raw, locales: list[str], limit: int, name: str) -> dict[str, str]:
    raw = raw or {}
    out = {}
    for code in locales:
        text = (raw.get(code) or "").strip()
        if len(text) > limit:
            raise ServiceError(
                _l("Keep this under %(count)d characters.", count=limit), field=f"{name}-{code}"
            )
        if text:
            out[code] = text
    return out


def _level(value, name: str) -> int:
    """A factor's level, 1..4, from a number or its digits."""
    text = str(value if value is not None else "").strip()
    if text in {str(level) for level in salience.LEVELS}:
        return int(text)
    raise ServiceError(_l("Choose a level from 1 to 4."), field=name)


def localities_of(session: Session, partnership: Partnership, chosen, typed: str) -> list[str]:
    """The places a risk concerns: those picked from the known ones and those typed one per
    line, each once (a typed one written like a known one takes the known spelling), in the
    order given. Raises ServiceError on a name too long or too many places."""
    known = {_place_key(p): p for p in queries.known_places(session, partnership_id=partnership.id)}
    found: dict[str, str] = {}
    for raw in [*(chosen or []), *(typed or "").splitlines()]:
        place = " ".join(str(raw).split())
        if not place:
            continue
        if len(place) > PLACE_MAX:
            raise ServiceError(
                _l("Keep each place under %(count)d characters.", count=PLACE_MAX),
                field="other_localities",
            )
        found.setdefault(_place_key(place), known.get(_place_key(place), place))
    if len(found) > PLACES_MAX:
        raise ServiceError(
            _l("Name at most %(count)d places.", count=PLACES_MAX), field="other_localities"
        )
    return list(found.values())


def _place_key(place: str) -> str:
    """A place as compared: "Peñas Blancas" and "penas  blancas" are one place."""
    decomposed = unicodedata.normalize("NFKD", " ".join(place.split()).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Where a risk was seen ------------------------------------------------------------------------


def parse_source(text: str | None) -> tuple[str, str] | None:
    """("grievance", "12") from "grievance:12", the form the new-risk page's ?source= takes;
    None for anything else (no source, or one of a kind risks are not raised from)."""
    kind, sep, ref = (text or "").strip().partition(":")
    if not sep or not ref or kind not in {str(k) for k in SOURCE_KINDS}:
        return None
    return kind, ref


def resolve_source(session: Session, *, membership: Membership, source: tuple[str, str]):
    """(target id, key, label) of a source this member may raise a risk from; ServiceError
    otherwise (hsbp.risks.targets knows each kind's rows and who may read them)."""
    kind, ref = source
    return targets.resolve(session, membership=membership, kind=kind, ref=ref)


def _source_target(session: Session, membership: Membership, source):
    if source is None:
        return None
    if source[0] not in {str(k) for k in SOURCE_KINDS}:
        raise ServiceError(_l("A risk cannot be raised from this."), field="source")
    return source[0], resolve_source(session, membership=membership, source=source)
