"""Shared view helpers: numbers read from URLs and query strings, NULs dropped from input."""

import pytest
from sqlalchemy import select

from hsbp.db import LARGEST_ID
from hsbp.partnerships.models import Partner
from hsbp.views import int_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), (" 7 ", 7), ("-3", -3), ("0", 0), (str(LARGEST_ID), LARGEST_ID)],
)
def test_int_value_reads_plain_integers(text, expected):
    assert int_value(text, low=-10) == expected


@pytest.mark.parametrize(
    "text",
    [None, "", "-", "x", "²", "٣", "\uff11", "7.0", "1e3", "+7", str(LARGEST_ID + 1), "9" * 5000],
)
def test_int_value_refuses_anything_else(text):
    assert int_value(text) is None


def test_int_value_keeps_to_its_range():
    assert [int_value(t, low=1, high=5) for t in ("0", "1", "5", "6")] == [None, 1, 5, None]


@pytest.mark.parametrize("page", ["99999999999999999999999999", "-1", "0", "x", "²", "1000001"])
def test_a_list_page_out_of_range_shows_the_first(client, make, login, page):
    partnership = make.partnership()
    login(make.member(partnership))
    response = client.get(f"/p/{partnership.id}/audit?page={page}")
    assert response.status_code == 200


def test_register_with_junk_filters_and_format_is_shown(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership))
    response = client.get(
        f"/p/{partnership.id}/mapping?format=x&interest={10**30}&influence=²&page={2**64}"
    )
    assert response.status_code == 200


def test_nul_characters_are_dropped_from_queries_and_forms(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership))
    assert client.get(f"/p/{partnership.id}/mapping?q=ana%00&sector=%00").status_code == 200
    response = client.post(
        f"/p/{partnership.id}/partners/new",
        data={"name": "Alcal\x00día", "sector": "local_government", "joined_on": "2026-01-01"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(Partner.name).where(Partner.name.like("Alcal%"))) == "Alcaldía"
