"""A consultation's tabs: Results (its counted answers) and Outcome (what the partners agreed
from them) are two tabs with two pages; words that are one word in some languages carry a
context everywhere, so translators can keep them apart."""

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from hsbp.security import Role

ROOT = Path(__file__).resolve().parents[2]
# Words with two meanings that several of the shipped languages write the same way.
AMBIGUOUS = {"Results", "Outcome", "Answer", "Inclusive", "Inclusivity"}
# The keywords the catalog's extraction knows (the Makefile's i18n-extract), Babel's own too.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "_p": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "N_": None,
    "NP_": ((1, "c"), 2),
}


def tabs(page: str) -> dict[str, str]:
    """The consultation's tabs, {label: link}."""
    nav = page.split('<nav aria-label="Consultation"', 1)[1].split("</nav>", 1)[0]
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def heading(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page.split("<h1>", 1)[1].split("</h1>", 1)[0])


def test_facilitator_tabs_link_results_and_outcome_to_two_pages(client, login, build, facilitator):
    consultation = build()
    login(facilitator)
    base = f"/p/{consultation.partnership_id}/consultations/{consultation.id}"
    found = tabs(client.get(base).get_data(as_text=True))
    assert (found["Results"], found["Outcome"]) == (f"{base}/results", f"{base}/outcome")
    results = client.get(found["Results"]).get_data(as_text=True)
    outcome = client.get(found["Outcome"]).get_data(as_text=True)
    assert f'<a href="{base}/results" aria-current="page">Results</a>' in results
    assert f'<a href="{base}/outcome" aria-current="page">Outcome</a>' in outcome
    assert heading(results) == "Results: Water and roads"
    assert heading(outcome) == "Outcome: Water and roads"


def test_representative_has_the_results_tab_and_not_the_outcome_editor(
    client, login, make, build, partnership
):
    consultation = build()
    representative = make.member(
        partnership,
        Role.REPRESENTATIVE,
        user=make.user(locale="en"),
        partner=make.partner(partnership),
    )
    login(representative)
    base = f"/p/{partnership.id}/consultations/{consultation.id}"
    assert tabs(client.get(base).get_data(as_text=True)) == {
        "Overview": base,
        "Results": f"{base}/results",
    }


def test_ambiguous_words_are_never_written_without_a_context():
    method_map = [("hsbp/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = {
        (filename, message, context)
        for filename, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map=options, keywords=KEYWORDS
        )
    }
    bare = sorted((name, msg) for name, msg, context in found if not context and msg in AMBIGUOUS)
    assert bare == []
    assert ("hsbp/principles/labels.py", "Inclusive", "LIFTS principle") in found
