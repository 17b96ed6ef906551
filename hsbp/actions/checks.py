"""Checking what a form sends for an action before anything changes: partners, people, dates,
status, dependencies (never a loop), SDG targets, money and places. Raises ServiceError
naming the form field at fault."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions import sdg
from hsbp.actions.models import NEEDS_REASON, Action, ActionStatus, action_dependencies
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles.models import CharterVersion

LIFTS = ("locally_driven", "inclusive", "forward_looking", "trust", "sharing")
KINDS = ("cash", "in_kind")
TITLE_MAX, TEXT_MAX, COMMENT_MAX = 200, 5000, 2000
# The places of an action: names as long as the register's, and not a village list's worth.
LOCALITY_MAX, LOCALITIES_MAX = 200, 40


def goals(session: Session, *, partnership_id: int) -> dict[str, dict]:
    """{goal key: title per locale} of every goal any charter version has named, the latest
    version's title winning: an action keeps its goal when a later version rewords it."""
    found: dict[str, dict] = {}
    versions = session.scalars(
        select(CharterVersion)
        .where(CharterVersion.partnership_id == partnership_id)
        .order_by(CharterVersion.number)
    )
    for version in versions:
        for goal in (version.content or {}).get("goals") or []:
            found[goal["key"]] = goal.get("title") or {}
    return found


def known_localities(session: Session, *, partnership_id: int) -> list[str]:
    """The places the partnership knows: its register's localities and those its actions
    name, each once (the register's spelling first), in alphabetical order."""
    register = session.scalars(
        select(Participant.locality)
        .where(Participant.partnership_id == partnership_id, Participant.locality != "")
        .distinct()
    ).all()
    named = session.scalars(
        select(Action.localities).where(Action.partnership_id == partnership_id)
    ).all()
    found: dict[str, str] = {}
    for place in [*register, *(p for places in named for p in places or [])]:
        found.setdefault(_place_key(place), " ".join(place.split()))
    return sorted(found.values(), key=str.casefold)


def _place_key(place: str) -> str:
    decomposed = unicodedata.normalize("NFKD", " ".join(place.split()).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def localities_of(session: Session, partnership: Partnership, chosen, typed: str) -> list[str]:
    """The places an action serves: those picked from the known ones and those typed one
    per line, each once (a typed one written like a known one takes the known spelling),
    in the order given. Raises ServiceError on a name too long or too many places."""
    known = {_place_key(p): p for p in known_localities(session, partnership_id=partnership.id)}
    found: dict[str, str] = {}
    for raw in [*(chosen or []), *(typed or "").splitlines()]:
        place = " ".join(str(raw).split())
        if not place:
            continue
        if len(place) > LOCALITY_MAX:
            raise ServiceError(
                _l("Keep each place under %(count)d characters.", count=LOCALITY_MAX),
                field="other_localities",
            )
        found.setdefault(_place_key(place), known.get(_place_key(place), place))
    if len(found) > LOCALITIES_MAX:
        raise ServiceError(
            _l("Name at most %(count)d places.", count=LOCALITIES_MAX), field="other_localities"
        )
    return list(found.values())


def checked(session: Session, partnership: Partnership, action: Action | None, fields) -> dict:
    """Every field of the form, checked and cleaned, before anything is changed."""
    locales, default = (
        partnership.locales or [partnership.default_locale],
        partnership.default_locale,
    )
    title = _texts(fields.get("title"), locales, TITLE_MAX)
    if not title.get(default):
        raise ServiceError(_l("Give the action a title."), field=f"title-{default}")
    partners = {
        p.id: p
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    lead = _int(fields.get("lead_partner_id"))
    if lead not in partners:
        raise ServiceError(
            _l("Choose a lead partner of this partnership."), field="lead_partner_id"
        )
    supporters = {_int(i) for i in fields.get("supporter_ids") or []} - {lead}
    if not supporters <= set(partners):
        raise ServiceError(
            _l("Supporting partners must be partners of this partnership."), field="supporter_ids"
        )
    start_on, due_on = fields.get("start_on"), fields.get("due_on")
    if start_on and due_on and due_on < start_on:
        raise ServiceError(_l("The due date cannot be before the start date."), field="due_on")
    goal_key = (fields.get("goal_key") or "").strip()
    if goal_key and goal_key not in goals(session, partnership_id=partnership.id):
        raise ServiceError(_l("Choose a goal of the charter."), field="goal_key")
    status = status_of(fields.get("status") or ActionStatus.PLANNED)
    progress = progress_of(fields.get("progress") or 0)
    reason = (fields.get("status_reason") or "").strip()[:TEXT_MAX]
    depends_on = _dependencies(session, partnership, action, fields.get("depends_on_ids") or [])
    check_status(action, status, reason, depends_on)
    principles = [p for p in LIFTS if p in set(fields.get("principles") or [])]
    targets = sorted(set(fields.get("sdg_targets") or []), key=sdg.sort_key)
    if unknown := [t for t in targets if not sdg.is_target(t)]:
        raise ServiceError(
            _l("%(code)s is not a target of the Sustainable Development Goals.", code=unknown[0]),
            field="sdg_targets",
        )
    budget, currency = _money(
        fields.get("budget"), fields.get("currency"), "budget", "budget_currency"
    )
    return {
        "title": title,
        "description": _texts(fields.get("description"), locales, TEXT_MAX),
        "goal_key": goal_key,
        "lead_partner_id": lead,
        "supporters": [partners[i] for i in sorted(supporters)],
        "responsibles": _responsibles(session, partnership, fields.get("responsible_ids") or []),
        "start_on": start_on,
        "due_on": due_on,
        "status": status,
        "status_reason": reason,
        "progress": progress,
        "principles": principles,
        "sdg_targets": targets,
        "budget": budget,
        "currency": currency,
        "contributions": _contributions(fields.get("contributions") or [], partners),
        "depends_on": depends_on,
        "localities": localities_of(
            session, partnership, fields.get("localities"), fields.get("other_localities") or ""
        ),
        "comment": (fields.get("comment") or "").strip()[:COMMENT_MAX],
    }


def _texts(raw, locales: list[str], limit: int) -> dict:
    raw = raw or {}
    return {code: raw[code].strip()[:limit] for code in locales if (raw.get(code) or "").strip()}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def status_of(value) -> str:
    if value not in {s.value for s in ActionStatus}:
        raise ServiceError(_l("Choose a status."), field="status")
    return value


def progress_of(value) -> int:
    number = _int(value)
    if number is None or not 0 <= number <= 100:
        raise ServiceError(_l("Progress is a percentage from 0 to 100."), field="progress")
    return number


def check_status(action: Action | None, status: str, reason: str, depends_on: list) -> None:
    if status in NEEDS_REASON and not reason:
        raise ServiceError(_l("Say why the action is blocked or dropped."), field="status_reason")
    if status == ActionStatus.DONE:
        waiting = [d for d in depends_on if d.status != ActionStatus.DONE]
        if waiting:
            raise ServiceError(
                _l(
                    "This action depends on “%(title)s”, which is not done yet.",
                    title=_title(waiting[0]),
                ),
                field="status",
            )


def _title(action: Action) -> str:
    return next(iter(action.title.values()), "") if action.title else ""


def _dependencies(session: Session, partnership, action: Action | None, raw_ids) -> list[Action]:
    """The actions this one depends on: of the same partnership, never itself, and never
    making a loop (A waits for B which waits, perhaps through others, for A)."""
    ids = {i for i in (_int(r) for r in raw_ids) if i is not None}
    if action is not None and action.id in ids:
        raise ServiceError(_l("An action cannot depend on itself."), field="depends_on_ids")
    found = (
        list(
            session.scalars(
                select(Action).where(Action.id.in_(ids), Action.partnership_id == partnership.id)
            )
        )
        if ids
        else []
    )
    if len(found) != len(ids):
        raise ServiceError(
            _l("Choose actions of this partnership's checklist."), field="depends_on_ids"
        )
    if action is None or action.id is None or not found:
        return sorted(found, key=lambda a: a.id)
    edges: dict[int, set[int]] = {}
    rows = session.execute(
        select(action_dependencies.c.action_id, action_dependencies.c.depends_on_id)
        .join(Action, Action.id == action_dependencies.c.action_id)
        .where(Action.partnership_id == partnership.id)
    )
    for source, target in rows:
        if source != action.id:  # its own edges are being replaced
            edges.setdefault(source, set()).add(target)
    for start in found:
        seen, stack = set(), [start.id]
        while stack:
            current = stack.pop()
            if current == action.id:
                raise ServiceError(
                    _l(
                        "“%(title)s” already waits for this action: depending on it would "
                        "make a loop.",
                        title=_title(start),
                    ),
                    field="depends_on_ids",
                )
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, ()))
    return sorted(found, key=lambda a: a.id)


def _responsibles(session: Session, partnership: Partnership, raw_ids) -> list[User]:
    ids = {i for i in (_int(r) for r in raw_ids) if i is not None}
    if not ids:
        return []
    users = list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.partnership_id == partnership.id, User.id.in_(ids))
        )
    )
    if len(users) != len(ids):
        raise ServiceError(
            _l("People responsible must be members of this partnership."),
            field="responsible_ids",
        )
    return sorted(users, key=lambda u: u.id)


def _money(amount, currency, field: str, currency_field: str) -> tuple[Decimal | None, str]:
    text = str(amount if amount is not None else "").strip().replace(" ", "")
    currency = (currency or "").strip().upper()
    if not text:
        return None, currency if currency in list_currencies() else ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise ServiceError(_l("Write the amount as a number, for example 1500000.50"), field=field)
    if value != value.quantize(Decimal("0.01")) or value >= Decimal(10) ** 15:
        raise ServiceError(_l("Write the amount with at most two decimals."), field=field)
    if currency not in list_currencies():
        raise ServiceError(_l("Choose the currency."), field=currency_field)
    return value, currency


def _contributions(rows, partners: dict[int, Partner]) -> list[dict]:
    out = []
    for index, row in enumerate(rows):
        field = f"contributions-{index}"
        partner_id = _int(row.get("partner_id"))
        amount_given = str(row.get("amount") or "").strip()
        description = (row.get("description") or "").strip()[:TEXT_MAX]
        if partner_id is None and not amount_given and not description:
            continue  # an empty row of the form
        if partner_id not in partners:
            raise ServiceError(
                _l("Choose a partner of this partnership."), field=f"{field}-partner_id"
            )
        kind = row.get("kind") if row.get("kind") in KINDS else "cash"
        amount, currency = _money(
            row.get("amount"), row.get("currency"), f"{field}-amount", f"{field}-currency"
        )
        if kind == "cash" and amount is None:
            raise ServiceError(
                _l("Write the amount of this contribution."), field=f"{field}-amount"
            )
        out.append(
            {
                "partner_id": partner_id,
                "kind": kind,
                "amount": amount,
                "currency": currency,
                "description": description,
            }
        )
    return out
