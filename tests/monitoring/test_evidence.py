"""Evidence of a reported value: a file kept like an action's and a web link, shown in the
history and downloadable by members; a refused file or link loses the whole report."""

# The fixtures are shared by import, so a test's parameter names them again.
# ruff: noqa: F811

import io

import pytest
from sqlalchemy import func, select

from hsbp.actions import uploads
from hsbp.monitoring.models import Measurement
from hsbp.security import Role
from tests.actions.test_evidence import web  # noqa: F401  (an app whose uploads land in tmp_path)
from tests.monitoring.conftest import add_indicator

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def indicator(session, partnership, facilitator):
    return add_indicator(session, partnership, facilitator)


def report(client, indicator, **data):
    values = {"period_on": "2026-04-01", "value": "24", "note": "Nómina de abril", **data}
    return client.post(
        f"/p/{indicator.partnership_id}/monitoring/{indicator.id}/values",
        data=values,
        content_type="multipart/form-data",
    )


def count(session):
    return session.scalar(select(func.count()).select_from(Measurement))


def test_a_value_keeps_its_file_and_link_and_members_download_it(
    session, web, make, partnership, facilitator, indicator
):
    client = web(facilitator)
    response = report(
        client,
        indicator,
        evidence_file=(io.BytesIO(PDF), "nómina abril.pdf"),
        evidence_url=" https://example.org/actas/12 ",
    )
    assert response.status_code == 302
    row = session.scalar(select(Measurement))
    assert (row.evidence_filename, row.evidence_type, row.evidence_size) == (
        "nómina abril.pdf",
        "application/pdf",
        len(PDF),
    )
    assert row.evidence_url == "https://example.org/actas/12"
    with web.app.app_context():
        assert uploads.path_of(partnership.id, row.evidence_stored).read_bytes() == PDF

    page = client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").get_data(as_text=True)
    download = f"/p/{partnership.id}/monitoring/{indicator.id}/values/{row.id}/evidence"
    assert f'href="{download}">nómina abril.pdf</a>' in page
    assert ">example.org</a>" in page

    observer = web(make.member(partnership, Role.OBSERVER))
    got = observer.get(download)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Security-Policy"] == uploads.DOWNLOAD_POLICY
    assert "filename*=UTF-8''n%C3%B3mina%20abril.pdf" in got.headers["Content-Disposition"]


def test_a_refused_file_or_link_writes_nothing(session, web, partnership, facilitator, indicator):
    client = web(facilitator)

    bad_file = report(client, indicator, evidence_file=(io.BytesIO(b"MZ\x90\x00"), "x.exe"))
    assert bad_file.status_code == 422
    assert "This type of file is not accepted." in bad_file.get_data(as_text=True)

    bad_link = report(client, indicator, evidence_url="javascript:alert(1)")
    assert bad_link.status_code == 422
    assert "Enter a web address that starts with http:// or https://." in bad_link.get_data(
        as_text=True
    )
    assert count(session) == 0
    with web.app.app_context():
        assert not any(uploads.storage_dir(partnership.id).glob("*"))


def test_evidence_of_another_partnership_or_of_none_is_not_found(
    session, web, make, partnership, facilitator, indicator
):
    client = web(facilitator)
    report(client, indicator)
    row = session.scalar(select(Measurement))
    base = f"/p/{partnership.id}/monitoring/{indicator.id}/values/{row.id}/evidence"
    assert client.get(base).status_code == 404
    stranger = make.partnership()
    outsider = web(make.member(stranger))
    assert outsider.get(base).status_code == 404
