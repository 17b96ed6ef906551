"""No page answers 500 to typed values: integers too large for the database or written
oddly in paths, junk in query strings, and forms posted with junk or missing fields.

The walks cover every URL rule and every form a facilitator of the demo partnership can
reach, so new pages are covered without writing anything.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import select

from hsbp import demo
from hsbp.audit import AuditEntry
from hsbp.auth.models import User
from hsbp.db import LARGEST_ID
from hsbp.partnerships.models import Partnership
from hsbp.views import IdConverter

HUGE = (2**31, 2**64, 10**30)
# What a careless or hostile client sends where a number or a choice is expected.
JUNK = ("99999999999999999999999999999", "²", "2147483648\x00")
FACILITATOR = "lucia.hernandez@demo.hsbp.example"
# Pages that sign the visitor out, or reach services outside the test (Twilio).
SKIPPED_PATHS = ("/logout", "/account/sign-out-everywhere", "/sms/simulator")
SKIPPED_ENDPOINTS = {"static", "sms.status_callback"}


@pytest.fixture
def facilitator(make, login):
    """A partnership whose facilitator is signed in on `client`."""
    partnership = make.partnership()
    make.partner(partnership)
    login(make.member(partnership))
    return partnership


@pytest.fixture
def demo_facilitator(session, login):
    """The demo partnership, full of data, with its facilitator signed in on `client`."""
    demo.seed_if_empty(session)
    login(session.scalars(select(User).where(User.email == FACILITATOR)).one())
    return session.scalars(select(Partnership).where(Partnership.name.like("%Caguán%"))).one()


def rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED_ENDPOINTS]


def build(app, rule, values) -> str:
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values)


def fill(rule, partnership_id: int, number) -> dict:
    return {
        name: (
            (partnership_id if name == "partnership_id" else number)
            if isinstance(rule._converters[name].to_python("1"), int)
            else "x"
        )
        for name in rule.arguments
    }


def answer(client, method: str, url: str, **kwargs) -> int:
    """The status code, or 500 for an exception (the testing app lets them through)."""
    try:
        return client.open(url, method=method, **kwargs).status_code
    except Exception:  # any fault is what this test looks for
        return 500


def methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def skipped(url: str) -> bool:
    return urlsplit(url).path.startswith(SKIPPED_PATHS)


def test_huge_integers_in_paths_are_not_found(app, client, facilitator):
    errors = {}
    for rule in rules(app):
        int_names = [n for n in rule.arguments if isinstance(rule._converters[n], IdConverter)]
        for number in HUGE:
            for name in int_names:
                values = fill(rule, facilitator.id, facilitator.id)
                values[name] = number
                url = build(app, rule, values)
                if skipped(url):
                    continue
                for method in methods(rule):
                    code = answer(client, method, url)
                    # 405 where a rule for the same path takes other methods (werkzeug
                    # checks the method before the number): neither says anything.
                    if code not in (404, 405):
                        errors[(method, url)] = code
    assert errors == {}


@pytest.mark.parametrize("written", ["007", "-7", "+7", "٣", "7.0", "1e3"])
def test_integers_written_oddly_in_paths_are_404(client, facilitator, written):
    assert client.get(f"/p/{facilitator.id}/").status_code == 200
    assert client.get(f"/p/{written}/").status_code == 404


def test_the_largest_integer_the_database_holds_is_a_plain_404(app, client, facilitator):
    errors = {}
    for rule in rules(app):
        if "partnership_id" not in rule.arguments or "GET" not in rule.methods:
            continue
        values = fill(rule, facilitator.id, LARGEST_ID)
        if len(values) == 1:
            continue
        url = build(app, rule, values)
        code = answer(client, "GET", url)
        if code >= 500:
            errors[url] = code
    assert errors == {}


def crawl(client, start: str, errors: dict, limit: int = 400) -> tuple[set[str], list[dict]]:
    """Follow the links of the partnership's pages from `start`; return the pages seen and
    every form found on them ({action, method, fields}). A page that fails goes to `errors`."""
    seen, queue, forms, shapes = set(), [start], {}, set()
    prefix = urlsplit(start).path
    while queue and len(seen) < limit:
        url = queue.pop(0)
        # One page per path and set of query names: page 2 stands for page 3 and the rest.
        parts = urlsplit(url)
        shape = (parts.path, tuple(sorted(name for name, _ in parse_qsl(parts.query))))
        if shape in shapes or skipped(url):
            continue
        shapes.add(shape)
        seen.add(url)
        try:
            response = client.get(url)
        except Exception:
            errors[("GET", url)] = 500
            continue
        if response.status_code >= 500:
            errors[("GET", url)] = response.status_code
        if not response.content_type.startswith("text/html"):
            continue
        page = response.get_data(as_text=True)
        for href in re.findall(r'href="([^"#]+)', page):
            link = unescape(href)
            if link.startswith(prefix) and link not in seen:
                queue.append(link)
        for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", page, flags=re.S):
            action = re.search(r'action="([^"]*)"', attributes)
            method = re.search(r'method="([^"]*)"', attributes)
            target = unescape(action.group(1)) if action and action.group(1) else url
            fields = sorted(
                set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', body))
                - {"csrf_token"}
            )
            kind = (method.group(1) if method else "get").upper()
            forms[(target.split("?")[0], kind, tuple(fields))] = fields
    found = [
        {"action": action, "method": kind, "fields": fields}
        for (action, kind, _key), fields in forms.items()
    ]
    return seen, found


def audit_entries(session) -> list[tuple]:
    session.expire_all()
    return session.execute(select(AuditEntry.id, AuditEntry.action)).all()


def test_junk_in_query_strings_and_forms_never_answers_500(client, session, demo_facilitator):
    errors = {}
    before = audit_entries(session)
    pages, forms = crawl(client, f"/p/{demo_facilitator.id}/", errors)
    assert len(pages) > 40 and len(forms) > 20
    # Reading a page writes nothing to the audit log: what is audited (a look at someone's
    # identity, a download with names) is a deliberate POST, never a link or a prefetch.
    assert audit_entries(session)[len(before) :] == []
    for page in sorted(pages):
        names = {"page", "partner", "status", "tag", "format", "show", "lang", "a", "b"}
        names |= {"interest", "influence", "q", "kind", "identity", "theme", "off_track"}
        for junk in JUNK[:2]:
            url = f"{page}?{urlencode(dict.fromkeys(names, junk))}"
            code = answer(client, "GET", url)
            if code >= 500:
                errors[("GET", url)] = code
    for form in forms:
        if skipped(form["action"]):
            continue
        for junk in JUNK:
            data = dict.fromkeys(form["fields"], junk)
            if form["method"] == "GET":
                code = answer(client, "GET", form["action"], query_string=data)
            else:
                code = answer(client, "POST", form["action"], data=data)
            if code >= 500:
                errors[(form["method"], form["action"], junk)] = code
        if form["method"] == "POST":
            code = answer(client, "POST", form["action"], data={})
            if code >= 500:
                errors[("POST", form["action"], "missing")] = code
    assert errors == {}
