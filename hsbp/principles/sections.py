"""The sections of a charter draft, as the editor shows and saves them one at a time: which
keys of the document each holds, how complete each is, and what stops a draft from being
proposed, said section by section (the document itself: hsbp.principles.content)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hsbp.errors import ServiceError
from hsbp.i18n import language_name, missing_languages
from hsbp.principles import content as doc


@dataclass(frozen=True)
class Section:
    slug: str
    label: object  # lazy text
    keys: tuple[str, ...]  # the keys of the document it holds
    # Saved by its own page here; the indicator set is written by hsbp.monitoring instead.
    editable: bool = True


SECTIONS = (
    Section("principles", _l("Principles"), ("principles",)),
    Section("protocols", _l("Management protocols"), ("protocols",)),
    Section("decisions", _l("Decision rules"), ("decision_rule", "community_rule")),
    Section("actions", _l("Joint actions"), ("action_rule", "check_rule")),
    Section("risks", _l("Risks and incidents"), ("risk_rule", "incident_partners")),
    Section("roles", _l("Roles and responsibilities"), ("roles",)),
    Section("budget", _l("Budget"), ("budget",)),
    Section("goals", _l("Goals"), ("goals",)),
    Section("indicators", _l("Indicators"), ("indicators",), editable=False),
)
BY_SLUG = {section.slug: section for section in SECTIONS}
GOAL_TEXTS = ("title", "baseline", "target")
# Sections whose content is texts in several languages, and that can be left empty.
WRITTEN = ("principles", "protocols", "roles", "budget", "goals")


STATE_LABELS = {
    "empty": _p("charter section", "Empty"),
    "partial": _p("charter section", "Partly written"),
    "missing": _p("charter section", "Languages missing"),
    "filled": _p("charter section", "Filled"),
}


@dataclass(frozen=True)
class State:
    """How complete a section is: "empty", "missing" (some written text lacks a language),
    "partial" (some of a fixed set of texts, such as the five principles, are not written)
    or "filled", with how many of its items are written and the languages missing."""

    kind: str
    written: int
    total: int | None = None  # None: a list with no fixed length (budget lines, goals)
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be proposed yet, and the section where it is fixed."""

    section: str
    message: object


class DraftIncomplete(ServiceError):
    """Proposing refused: `problems` names every section to fix. The message is the first
    problem's, for callers that show one line."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


def _texts_of(content: dict, slug: str) -> list[dict]:
    """Every multilingual text of a written section, written or not."""
    if slug in ("principles", "protocols"):
        keys = doc.LIFTS if slug == "principles" else doc.PROTOCOLS
        return [content.get(slug, {}).get(key) or {} for key in keys]
    if slug == "roles":
        return [role["text"] for role in content.get("roles") or []]
    if slug == "budget":
        return [line["description"] for line in content.get("budget") or []]
    return [goal.get(name) or {} for goal in content.get("goals") or [] for name in GOAL_TEXTS]


def state(content: dict, slug: str, *, locales: list[str], role_count: int = 0) -> State:
    """How complete the section `slug` of `content` is. `role_count`: the partners a roles
    section is expected to cover (the current ones)."""
    if slug == "indicators":
        found = doc.indicators_of(content)
        return State("empty" if not found else "filled", len(found or []))
    if slug not in WRITTEN:
        # Rules always hold a choice: a new draft starts from the defaults.
        return State("filled", 1, 1)
    texts = [values for values in _texts_of(content, slug) if values]
    missing = [
        code for code in locales if any(code in missing_languages(t, locales) for t in texts)
    ]
    if slug in ("principles", "protocols"):
        written, total = len(texts), len(doc.LIFTS if slug == "principles" else doc.PROTOCOLS)
    elif slug == "roles":
        written, total = len(texts), max(role_count, len(texts))
    else:
        written, total = len(content.get(slug) or []), None
    if not texts:
        return State("empty", 0, total)
    if missing:
        return State("missing", written, total, missing)
    return State("partial" if total and written < total else "filled", written, total)


def states(content: dict, *, locales: list[str], role_count: int = 0) -> dict[str, State]:
    return {
        s.slug: state(content, s.slug, locales=locales, role_count=role_count) for s in SECTIONS
    }


def problems(content: dict, *, default_locale: str) -> list[Problem]:
    """What must change in the draft before it is proposed, section by section. These are
    the checks over the whole document: saving one section never runs them, so a draft can
    be written in any order."""
    found = []
    principles = content.get("principles") or {}
    if not all((principles.get(key) or {}).get(default_locale) for key in doc.LIFTS):
        message = _l(
            "Write the commitments for every principle in %(language)s before proposing.",
            language=language_name(default_locale),
        )
        found.append(Problem("principles", message))
    return found


def check_proposable(content: dict, *, default_locale: str) -> None:
    """Raise DraftIncomplete if any section stops the draft from being proposed."""
    found = problems(content, default_locale=default_locale)
    if found:
        raise DraftIncomplete(found)


def merged(stored: dict, slug: str, clean: dict) -> dict:
    """A copy of the stored document whose section `slug` reads as in `clean` (a whole
    cleaned document); every other key is kept exactly as stored."""
    out = dict(stored)
    for key in BY_SLUG[slug].keys:
        out[key] = clean[key]
    return out
