"""ACTIONS [place] and MORE: the partnership's commitments for a place, three at a time.

Without a place, the place is the contact's own: the locality of the mapped participant
their membership is linked to (all commitments when there is none). A typed place matches a
place the partnership knows (named on an action or in the register), ignoring case and
accents; a part of a name ("esperanza") matches every place it is part of. Actions naming
the place come first, then those naming no place (they serve everyone there too); open
ones before done ones, the soonest due first (so late ones lead), then the latest done.
Dropped ones are left out. Each line: title, lead partner, status, due date.

MORE, sent alone right after ACTIONS (or another MORE) within a day, sends the next three:
the page is read back from the contact's own messages, so nothing is stored for it. An
unknown place gets a reply naming a few known ones, and the message also goes to the
inbox, should it be a sentence that merely starts with the keyword.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions import checks
from hsbp.actions.models import CLOSED, Action, ActionStatus
from hsbp.actions.queries import today_in
from hsbp.community.ask.common import ACTIONS, MORE, TEXTS, Asker, alone, asker, not_joined
from hsbp.db import utcnow
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partner
from hsbp.sms import fitting
from hsbp.sms import texts as channel_texts
from hsbp.sms.fitting import clip, fits
from hsbp.sms.handlers import Incoming
from hsbp.sms.models import InboundMessage
from hsbp.sms.texts import NP_, catalog, fold

PAGE = 3
# ACTIONS followed by more words than a place has, none of them a place: a sentence.
MAX_PLACE_WORDS = 5
MORE_WINDOW = timedelta(days=1)
MAX_PAGES = 30
LEAD_LIMIT = 24
# How short a title may become in a line (then the line is cut), and in a line sharing its
# part with the heading (then the heading goes alone).
ITEM_LIMITS = (80, 60, 48, 40, 32, 26, 20, 16, 12, 10, 8)
HEAD_TITLE_MIN = 32
# The status words of the checklist's pages, in the contact's language (same catalog entries).
STATUS_WORDS = {
    ActionStatus.PLANNED: NP_("action status", "Planned"),
    ActionStatus.IN_PROGRESS: NP_("action status", "In progress"),
    ActionStatus.DONE: NP_("action status", "Done"),
    ActionStatus.BLOCKED: NP_("action status", "Blocked"),
    ActionStatus.DROPPED: NP_("action status", "Dropped"),
}


def actions(session: Session, incoming: Incoming) -> list[str] | None:
    """ACTIONS [place]: the first three commitments for the place (the contact's own when
    none is typed). Side effect: a message naming an unknown place goes to the inbox too."""
    who = asker(session, incoming)
    if who is None:
        return not_joined(incoming)
    typed = _place_typed(incoming.text)
    found = _places(session, who, typed)
    if found is None:
        if len(typed.split()) > MAX_PLACE_WORDS:
            return None  # a sentence starting with the word: an ordinary message
        incoming.message.in_inbox = True
        return [_unknown_place(session, who, typed)]
    return page(session, who=who, places=found[0], label=found[1], number=1)


def more(session: Session, incoming: Incoming) -> list[str] | None:
    """MORE: the next three of the list ACTIONS began; an ordinary message after anything
    else."""
    if not alone(incoming):
        return None
    who = asker(session, incoming)
    continued = _continuing(session, incoming) if who is not None else None
    if continued is None:
        return None
    typed, number = continued
    found = _places(session, who, typed)
    if found is None:
        return [_unknown_place(session, who, typed)]
    return page(session, who=who, places=found[0], label=found[1], number=number)


def _place_typed(text: str) -> str:
    parts = text.split(None, 1)
    return " ".join(parts[1].split()) if len(parts) > 1 else ""


def _places(session: Session, who: Asker, typed: str) -> tuple[list[str], str] | None:
    """(the places meant, how to name them) for what was typed after the keyword, the
    contact's own place when nothing was; None when the typed place is unknown."""
    if not typed:
        own = _own_locality(session, who)
        return ([own], own) if own else ([], "")
    matched = match_places(
        checks.known_localities(session, partnership_id=who.partnership.id), typed
    )
    if not matched:
        return None
    return matched, matched[0] if len(matched) == 1 else typed


def _own_locality(session: Session, who: Asker) -> str:
    if who.member.participant_id is None:
        return ""
    return (
        session.scalar(
            select(Participant.locality).where(
                Participant.id == who.member.participant_id,
                Participant.partnership_id == who.partnership.id,
            )
        )
        or ""
    )


def _words(place: str) -> list[str]:
    return [word for word in (fold(w) for w in place.split()) if word]


def match_places(known: list[str], typed: str) -> list[str]:
    """The known places `typed` names: the one it spells (case and accents aside), else
    every place whose name holds its words in a row ("la esperanza", "caguan")."""
    wanted = _words(typed)
    if not wanted:
        return []
    exact = [place for place in known if _words(place) == wanted]
    if exact or len(" ".join(wanted)) < 3:
        return exact
    size = len(wanted)
    return [
        place
        for place in known
        if any(_words(place)[i : i + size] == wanted for i in range(len(_words(place))))
    ]


def ranked(session: Session, *, partnership_id: int, places: list[str], today: date):
    """[(action, lead partner's name)] for `places` (every action when empty), the most
    relevant first (see the module's docstring)."""
    rows = session.execute(
        select(Action, Partner.name)
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(Action.partnership_id == partnership_id, Action.status != ActionStatus.DROPPED)
    ).all()
    wanted = {" ".join(_words(place)) for place in places}
    chosen = []
    for action, lead in rows:
        named = {" ".join(_words(place)) for place in action.localities or []}
        if wanted and named and not (named & wanted):
            continue
        general = bool(wanted) and not named
        chosen.append((action, lead, general))
    open_ones = sorted(
        (row for row in chosen if row[0].status not in CLOSED),
        key=lambda r: (r[2], r[0].due_on is None, r[0].due_on or date.max, r[0].id),
    )
    done = sorted(
        (row for row in chosen if row[0].status in CLOSED),
        key=lambda r: (r[2], -(r[0].done_at.timestamp() if r[0].done_at else 0), r[0].id),
    )
    return [(action, lead) for action, lead, _general in open_ones + done]


def page(session: Session, *, who: Asker, places: list[str], label: str, number: int) -> list[str]:
    """Page `number` of the commitments for `places`, as one SMS or numbered parts."""
    today = today_in(who.partnership.timezone)
    rows = ranked(session, partnership_id=who.partnership.id, places=places, today=today)
    if not rows:
        if label:
            return [who.fitted("actions_none_place", place=label)]
        return [who.text("actions_none")]
    start = (number - 1) * PAGE
    chunk = rows[start : start + PAGE]
    if not chunk:
        return [who.text("actions_end")]
    head = who.fitted("actions_place", place=label, room=4) if label else who.text("actions_all")
    renders = [
        item(who, action, lead, start + offset + 1, today)
        for offset, (action, lead) in enumerate(chunk)
    ]
    items = [fitting.fit(render, limits=ITEM_LIMITS, room=4) for render in renders]
    together = _with_head(head, renders[0])
    pieces = [together] if together else [head, items[0]]
    pieces += items[1:]
    if start + PAGE < len(rows):
        pieces.append(who.text("actions_more"))
    return fitting.numbered_parts(pieces, sep="\n")


def _with_head(head: str, render) -> str | None:
    """The heading and the first line in one part, if that leaves the title a useful length
    (else the heading goes alone, and the parts' packing decides)."""
    for limit in ITEM_LIMITS:
        if limit < HEAD_TITLE_MIN:
            return None
        written = f"{head}\n{render(limit)}"
        if fits("0000" + written):
            return written
    return None


def item(who: Asker, action: Action, lead: str, number: int, today: date):
    """A function of a length limit: "2. <title> (<lead>): <status>, due <date>", the title
    and the lead clipped to the limit."""
    title = who.content(action.title)
    if action.status in CLOSED or action.due_on is None:
        key, due = "item", ""
    else:
        key = "item_late" if action.due_on < today else "item_due"
        due = who.date(action.due_on)
    # The status word in the language the line is written in (English until translated).
    context, word = STATUS_WORDS[action.status]
    status = catalog(channel_texts.keyword_language(who.locale, TEXTS[key])).pgettext(context, word)

    def render(limit: int) -> str:
        return f"{number}. " + who.text(
            key,
            title=clip(title, limit),
            lead=clip(lead, min(limit, LEAD_LIMIT)),
            status=status,
            due=due,
        )

    return render


def _unknown_place(session: Session, who: Asker, typed: str) -> str:
    """ "We do not know X. Try: A, B, C": the places most actions name first, then the
    register's, as many as fit one segment."""
    named: dict[str, int] = {}
    for localities in session.scalars(
        select(Action.localities).where(
            Action.partnership_id == who.partnership.id, Action.status != ActionStatus.DROPPED
        )
    ):
        for place in localities or []:
            named[place] = named.get(place, 0) + 1
    ordered = sorted(named, key=lambda place: (-named[place], place.casefold()))
    known = checks.known_localities(session, partnership_id=who.partnership.id)
    ordered += [place for place in known if place not in named]
    shown = clip(typed, 20)
    if not ordered:
        return who.fitted("unknown_place_alone", place=typed)
    chosen: list[str] = []
    for place in ordered:
        trial = who.text("unknown_place", place=shown, places=", ".join([*chosen, place]))
        if chosen and not fits(trial):
            break
        chosen.append(place)
    return fitting.cut_to_fit(who.text("unknown_place", place=shown, places=", ".join(chosen)))


def _continuing(session: Session, incoming: Incoming) -> tuple[str, int] | None:
    """(the place typed, the page to send) when the contact's previous messages to the
    partnership, back to an ACTIONS of the last day, are all MOREs; else None."""
    rows = session.execute(
        select(InboundMessage.route, InboundMessage.body, InboundMessage.received_at)
        .where(
            InboundMessage.contact_id == incoming.contact.id,
            InboundMessage.partnership_id == incoming.partnership_id,
            InboundMessage.id < incoming.message.id,
        )
        .order_by(InboundMessage.id.desc())
        .limit(MAX_PAGES)
    ).all()
    number = 2
    for route, body, received_at in rows:
        if route == MORE:
            number += 1
        elif route == ACTIONS and received_at >= utcnow() - MORE_WINDOW:
            return _place_typed(body or ""), number
        else:
            return None
    return None
