""" "Needs me": what waits for a person across their partnerships, grouped by partnership,
the most urgent partnership first and, within each, overdue first then by due date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from hsbp.notifications.items import Item, items_for, kinds, memberships_of
from hsbp.partnerships.models import Membership, Partnership

# Items shown per partnership on the overview and in an e-mail, the most urgent: with a
# thousand waiting, the page stays light on a phone and the e-mail readable; the rest are
# one link away, on the partnership's own list (PER_PAGE a page).
SHOWN = 5
MAIL_SHOWN = 10
PER_PAGE = 50


@dataclass
class Group:
    partnership: Partnership
    items: list[Item] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


@dataclass
class NeedsMe:
    groups: list[Group]
    labels: dict  # {kind: lazy label}

    @property
    def total(self) -> int:
        return sum(len(group.items) for group in self.groups)

    @property
    def overdue(self) -> int:
        return sum(group.overdue for group in self.groups)


def group_items(items: list[Item], memberships: list[Membership]) -> list[Group]:
    """`items` (sorted by urgency) by partnership, in the order of each one's most urgent
    item. An item of a partnership that is not among `memberships` is dropped: a provider's
    mistake must not show one partnership's data to a member of another."""
    partnerships = {m.partnership_id: m.partnership for m in memberships}
    groups: dict[int, Group] = {}
    for item in items:
        partnership = partnerships.get(item.partnership_id)
        if partnership is None:
            continue
        groups.setdefault(item.partnership_id, Group(partnership)).items.append(item)
    return list(groups.values())


def needs_me(
    session: Session, *, user, locale: str, now: datetime, partnership_id: int | None = None
) -> NeedsMe | None:
    """Everything that waits for `user` now, written in `locale`; only in `partnership_id`
    when given, None when they are no member of it. Reads only; one statement for the
    memberships plus each provider's fixed few."""
    memberships = memberships_of(session, user_id=user.id)
    if partnership_id is not None:
        memberships = [m for m in memberships if m.partnership_id == partnership_id]
        if not memberships:
            return None
    items = items_for(session, user=user, memberships=memberships, locale=locale, now=now)
    return NeedsMe(
        groups=group_items(items, memberships),
        labels={name: kind.label for name, kind in kinds().items()},
    )
