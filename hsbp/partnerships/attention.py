"""What needs attention in one partnership, for one reader: counts that features register,
shown at the top of the partnership's dashboard and as badges on its menu.

`partnerships` knows no feature: a feature registers a provider from its init function
(wired in create_app), the way item providers register with hsbp.notifications:

    add_provider(app, "grievances", grievance_counts)

    provider(session, *, partnership, membership, now) -> list[Count]

A provider returns only counts its reader may open (a grievance count for those who handle
grievances, never anything about who filed one), and runs a fixed number of SQL statements
whatever the number of rows: the menu calls every provider on every partnership page.
What waits for one person in particular stays on "Needs me" (hsbp.notifications).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from flask_babel import format_decimal
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from hsbp.partnerships.models import Membership, Partnership

PROVIDERS_KEY = "hsbp.partnerships.attention"

# The menu items a count may add a badge to (their names in base.html's partnership menu).
MENU_ITEMS = ("charter", "consultations", "grievances", "sms")


@dataclass(frozen=True)
class Count:
    """One count on the dashboard: "3 grievances not acknowledged yet"."""

    kind: str  # stable name, for tests and styles ("grievances_unacknowledged")
    number: int
    text: Markup  # one sentence with the number (see `with_number`), in the reader's language
    url: str  # the page, filtered where it can be, where the reader deals with them
    menu: str = ""  # one of MENU_ITEMS whose badge it adds to, or "" for none
    # What it adds to the badge: less than `number` when the things it counts are partly
    # counted by another count of the same menu item (a grievance both new and overdue).
    adds: int | None = None

    @property
    def badge_share(self) -> int:
        return self.number if self.adds is None else self.adds


Provider = Callable[..., list[Count]]


# Given to ngettext as `count`, so the sentence comes back with its placeholder kept.
KEEP = "%(count)s"


def with_number(text: str, number: int) -> Markup:
    """`text`, a translated sentence with the placeholder `%(count)s` kept (ngettext(...,
    count=KEEP)), escaped, with `number` put in as the reader's locale writes it, in <bdi>
    so a right-to-left sentence keeps it whole."""
    return escape(text) % {"count": Markup("<bdi>%s</bdi>") % format_decimal(number)}


def add_provider(app: Flask, name: str, provider: Provider) -> None:
    """Register `provider` under `name` (registering a name again replaces it, so create_app
    may run twice in a process, as tests do)."""
    app.extensions.setdefault(PROVIDERS_KEY, {})[name] = provider


def collect(
    session: Session, *, partnership: Partnership, membership: Membership, now: datetime
) -> list[Count]:
    """Every count above zero that the member may open, in the providers' order. Reads only."""
    found: list[Count] = []
    for provider in current_app.extensions.get(PROVIDERS_KEY, {}).values():
        found.extend(provider(session, partnership=partnership, membership=membership, now=now))
    return [count for count in found if count.number > 0]


def badges(counts: list[Count]) -> dict[str, int]:
    """{menu item: the number on its badge}, only for menu items with something waiting."""
    totals: dict[str, int] = {}
    for count in counts:
        if count.menu and count.badge_share:
            totals[count.menu] = totals.get(count.menu, 0) + count.badge_share
    return totals
