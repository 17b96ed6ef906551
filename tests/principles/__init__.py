"""Helpers shared by the charter tests: a complete charter document, a partnership with
represented partners, and reading a form from a page the way a browser submits it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from hsbp.principles import services
from hsbp.principles.content import LIFTS, empty_content
from hsbp.security import Role

GOAL_KEY = "a" * 32
LINE_KEY = "b" * 32


def charter_content(**overrides) -> dict:
    """A complete document in Spanish and English, ready to propose."""
    content = empty_content()
    for key in LIFTS:
        content["principles"][key] = {"es": f"Compromiso {key}", "en": f"Commitment {key}"}
    content["protocols"]["entry_rules"] = {"es": "Entra quien firma."}
    content["goals"] = [
        {
            "key": GOAL_KEY,
            "title": {"es": "Menos conflictos de tierras", "en": "Fewer land conflicts"},
            "baseline": {"es": "12 casos"},
            "target": {"es": "4 casos", "en": "4 cases"},
            "due": "2027-12-31",
        }
    ]
    content.update(overrides)
    return content


@dataclass
class Setup:
    partnership: object
    facilitator: object
    partners: list = field(default_factory=list)
    representatives: list = field(default_factory=list)
    observer: object = None


def partnership_with(make, *, partners: int = 3, **fields) -> Setup:
    """A partnership with a facilitator, an observer, and one representative per partner."""
    partnership = make.partnership(**fields)
    setup = Setup(
        partnership=partnership,
        facilitator=make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")),
        observer=make.member(partnership, Role.OBSERVER, user=make.user(locale="en")),
    )
    for _ in range(partners):
        partner = make.partner(partnership)
        setup.partners.append(partner)
        setup.representatives.append(
            make.member(
                partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=partner
            )
        )
    return setup


def proposed_version(session, setup: Setup, content: dict | None = None):
    version = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=content or charter_content(),
    )
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    return version


def adopted_version(session, setup: Setup, content: dict | None = None):
    version = proposed_version(session, setup, content)
    for user in setup.representatives:
        services.endorse(session, actor=user, version=version, stance="endorse")
    assert version.status == "adopted"
    return version


class _FormReader(HTMLParser):
    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, []
        self._textarea = self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.fields.append((name, attrs.get("value", "y" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.fields.append((self._select, attrs.get("value", "")))
                self._select = "done:" + self._select

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\r\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select.startswith("done:"):
                self.fields.append((self._select, self._first_option or ""))
            self._select = None


def form_fields(html: str, action: str = "") -> dict[str, str]:
    """What a browser would submit from the page's form posting to `action` (by default the
    form without one, which posts to the page itself)."""
    reader = _FormReader(action)
    reader.feed(html)
    return dict(reader.fields)
