"""Evidence of an action: files judged by content and kept outside the web root, links of
http(s) only, downloads for members only with safe headers, who may add and remove, and
files that follow their rows' transactions."""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from markupsafe import escape
from sqlalchemy import select

from hsbp.actions import evidence, uploads
from hsbp.actions.models import Evidence
from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.security import Role
from tests.actions.conftest import membership_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
TYPE_REFUSED = (
    "This type of file is not accepted. Evidence can be a PDF, an image (JPEG, PNG, WebP, "
    "GIF), plain text or CSV in UTF-8, or a Word, Excel, PowerPoint or OpenDocument file "
    "without macros."
)
NOT_ALLOWED = (
    "Only facilitators and representatives of the action's lead and supporting partners "
    "can add evidence to it."
)


def zipped(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Pozo"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ooxml(main: str, *extra: tuple[str, bytes]) -> bytes:
    types = f'<Types><Override PartName="/main.xml" ContentType="{main}"/></Types>'
    return zipped([("[Content_Types].xml", types.encode()), ("main.xml", b"<x/>"), *extra])


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ODT = "application/vnd.oasis.opendocument.text"


@pytest.fixture
def action(add_action, company, council):
    return add_action(company, supporter_ids=[council.id])


@pytest.fixture
def other_action(add_action, company):
    return add_action(company, title={"es": "Otra", "en": "Another"})


@pytest.fixture
def web(app_with, login):
    """An app of its own instance folder (tmp_path), signed in as `user`."""
    other = app_with()

    def signed_in(user):
        return login(user, target=other.test_client())

    signed_in.app = other
    return signed_in


def base(action) -> str:
    return f"/p/{action.partnership_id}/actions/{action.id}"


def upload(client, action, data: bytes, filename: str, title: str = ""):
    return client.post(
        f"{base(action)}/evidence/file",
        data={"title": title, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def add_file(session, partnership, user, action, data: bytes, filename: str, title=""):
    return evidence.add_file(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        action=action,
        title=title,
        filename=filename,
        stream=io.BytesIO(data),
    )


def add_link(session, partnership, user, action, url: str, title=""):
    return evidence.add_link(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        action=action,
        title=title,
        url=url,
    )


def rows(session, action) -> list[Evidence]:
    session.expire_all()
    return list(session.scalars(select(Evidence).where(Evidence.action_id == action.id)))


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def message_after(client, response) -> str:
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


# Adding files ----------------------------------------------------------------------------


def test_upload_pdf_is_kept_outside_the_web_root_with_its_details(
    session, web, partnership, action, company_rep
):
    client = web(company_rep)
    response = upload(client, action, PDF, "../../Informe año.pdf", "Acta de entrega")

    assert response.status_code == 303
    assert response.headers["Location"] == f"{base(action)}#evidence"
    (row,) = rows(session, action)
    assert (row.kind, row.title, row.filename, row.content_type, row.size, row.sha256) == (
        "file",
        "Acta de entrega",
        "Informe año.pdf",
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert (row.partnership_id, row.added_by_id) == (partnership.id, company_rep.id)
    assert re.fullmatch(r"[0-9a-f]{32}", row.stored_name)
    folder = Path(web.app.instance_path, "uploads", "actions", str(partnership.id))
    assert files_in(folder) == [row.stored_name]
    assert (folder / row.stored_name).read_bytes() == PDF
    # Readable by the app's user only, in a folder only it can list.
    assert (folder / row.stored_name).stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert not (folder / row.stored_name).is_relative_to(Path(web.app.static_folder).parent)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "action.evidence_add"))
    assert (entry.actor_id, entry.object_id, entry.details) == (
        company_rep.id,
        row.id,
        {
            "action_id": action.id,
            "kind": "file",
            "title": "Acta de entrega",
            "filename": "Informe año.pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
    )
    page = message_after(client, response)
    assert "The file is added to the evidence." in page
    assert "Acta de entrega" in page and "Added by Carlos" in page


def test_upload_of_html_named_pdf_is_refused_and_nothing_is_kept(
    session, web, partnership, action, company_rep
):
    client = web(company_rep)
    response = upload(client, action, HTML, "report.pdf")

    assert TYPE_REFUSED in message_after(client, response)
    assert rows(session, action) == []
    folder = Path(web.app.instance_path, "uploads", "actions", str(partnership.id))
    assert files_in(folder) == []


def test_upload_over_the_limit_is_refused_with_a_message_and_nothing_is_kept(
    session, app_with, login, partnership, action, company_rep
):
    app = app_with(ACTION_UPLOAD_MAX_BYTES=1000)
    client = login(company_rep, target=app.test_client())

    response = upload(client, action, PDF + b"0" * (1001 - len(PDF)), "big.pdf")

    page = message_after(client, response)
    assert (
        "The file is larger than 1 kB, the limit for evidence. Make it smaller, or add a link "
        "to where it is kept." in page
    )
    assert rows(session, action) == []
    assert files_in(Path(app.instance_path, "uploads", "actions", str(partnership.id))) == []


def test_upload_of_exactly_the_limit_is_kept(session, app_with, login, action, company_rep):
    client = login(company_rep, target=app_with(ACTION_UPLOAD_MAX_BYTES=1000).test_client())

    upload(client, action, PDF + b"0" * (1000 - len(PDF)), "full.pdf")

    assert [row.size for row in rows(session, action)] == [1000]


@pytest.mark.parametrize("csrf", [False, True])
def test_upload_past_the_request_limit_gets_the_same_message_not_an_error_page(
    session, app_with, login, partnership, action, company_rep, csrf
):
    # Werkzeug refuses the whole request before any view (or the CSRF check) reads it.
    app = app_with(MAX_CONTENT_LENGTH=3000, WTF_CSRF_ENABLED=csrf)
    client = login(company_rep, target=app.test_client())

    response = upload(client, action, PDF + b"0" * 5000, "huge.pdf")

    page = message_after(client, response)
    assert "The file is larger than 2.9 kB, the limit for evidence." in page
    assert rows(session, action) == []
    assert files_in(Path(app.instance_path, "uploads", "actions", str(partnership.id))) == []


def test_upload_without_a_file_asks_for_one(session, web, action, company_rep):
    client = web(company_rep)

    response = client.post(
        f"{base(action)}/evidence/file", data={"title": "x"}, content_type="multipart/form-data"
    )

    assert "Choose a file to upload." in message_after(client, response)
    assert rows(session, action) == []


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (PDF, "informe.pdf", "application/pdf"),
        (PNG, "foto.png", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "foto.jpg", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "mapa.gif", "image/gif"),
        (b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00", "foto.webp", "image/webp"),
        (b"nombre,monto\nPozo,100\n", "datos.csv", "text/csv"),
        ("\ufeffvereda;año\nLa Unión;2026\n".encode(), "datos.CSV", "text/csv"),
        ("Notas de la reunión del 3 de marzo.\n".encode(), "notas.txt", "text/plain"),
        (xlsx(), "presupuesto.xlsx", uploads._OOXML + "spreadsheetml.sheet"),
        (ooxml(DOCX_MAIN), "acta.docx", uploads._OOXML + "wordprocessingml.document"),
        (zipped([("mimetype", ODT.encode()), ("content.xml", b"<x/>")]), "acta.odt", ODT),
    ],
)
def test_accepted_files_are_typed_by_their_content(
    session, partnership, action, company_rep, data, filename, content_type
):
    row = add_file(session, partnership, company_rep, action, data, filename)

    assert (row.content_type, row.size) == (content_type, len(data))


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (HTML, "report.pdf"),
        (b"\xef\xbb\xbf \n\t<html><p>hola</p></html>", "notas.txt"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "m.png"),
        (b'<?xml version="1.0"?><svg/>', "mapa.svg"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "setup.pdf"),
        (b"caf\xe9 con leche", "latin1.txt"),
        (b"texto\x00binario", "datos.csv"),
        (zipped([("informe.pdf", PDF)]), "informe.zip"),
        (ooxml(XLSM_MAIN, ("xl/vbaProject.bin", b"\0")), "macros.xlsx"),
        (ooxml(DOCX_MAIN, ("word/vbaProject.bin", b"\0")), "macros.docx"),
        (zipped([("mimetype", ODT.encode()), ("Basic/Standard/Module1.xml", b"x")]), "m.odt"),
        (zipped([("mimetype", b"application/x-shockwave-flash")]), "x.odt"),
        (b"PK\x03\x04 not really a zip", "roto.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 32, "viejo.doc"),
    ],
)
def test_other_files_are_refused_whatever_their_name(
    session, partnership, action, company_rep, data, filename
):
    folder = uploads.storage_dir(partnership.id)
    before = files_in(folder)

    with pytest.raises(ServiceError) as refused:
        add_file(session, partnership, company_rep, action, data, filename)

    assert (str(refused.value.message), refused.value.field) == (TYPE_REFUSED, "file")
    assert rows(session, action) == []
    assert files_in(folder) == before


def test_an_empty_file_is_refused(session, partnership, action, company_rep):
    with pytest.raises(ServiceError) as refused:
        add_file(session, partnership, company_rep, action, b"", "vacio.pdf")

    assert (str(refused.value.message), refused.value.field) == ("The file is empty.", "file")


def test_a_file_is_deleted_when_its_row_is_rolled_back(session, partnership, action, company_rep):
    row = add_file(session, partnership, company_rep, action, PDF, "informe.pdf")
    path = uploads.path_of(partnership.id, row.stored_name)
    assert path.read_bytes() == PDF

    session.rollback()

    assert not path.exists()


def test_a_removal_rolled_back_keeps_the_file(session, partnership, action, company_rep):
    row = add_file(session, partnership, company_rep, action, PDF, "informe.pdf")
    session.commit()
    path = uploads.path_of(partnership.id, row.stored_name)
    membership = membership_of(session, company_rep, partnership)

    evidence.remove(session, actor=company_rep, membership=membership, evidence=row)
    session.rollback()

    assert path.read_bytes() == PDF
    assert [r.id for r in rows(session, action)] == [row.id]


def test_names_are_cleaned_for_display_and_downloads():
    assert uploads.clean_filename("../../etc/\u202eexe.pdf\n") == "exe.pdf"
    assert uploads.clean_filename("C:\\Users\\ana\\.bashrc") == "bashrc"
    assert uploads.clean_filename("/") == "file"
    assert uploads.clean_filename("تقرير الأشغال.pdf") == "تقرير الأشغال.pdf"
    long = uploads.clean_filename("a" * 300 + ".pdf")
    assert (len(long), long[-4:]) == (255, ".pdf")
    assert uploads.download_name("foto.exe", "image/jpeg") == "foto.exe.jpg"
    assert uploads.download_name("foto.JPEG", "image/jpeg") == "foto.JPEG"


# Links -----------------------------------------------------------------------------------


def test_a_link_is_added_and_shown_without_referrer(session, web, action, council_rep):
    client = web(council_rep)

    response = client.post(
        f"{base(action)}/evidence/link",
        data={"url": " https://example.org/fotos/pozo?id=3 ", "title": "Fotos del pozo"},
    )

    (row,) = rows(session, action)
    assert (row.kind, row.url, row.title, row.added_by_id) == (
        "link",
        "https://example.org/fotos/pozo?id=3",
        "Fotos del pozo",
        council_rep.id,
    )
    page = message_after(client, response)
    assert "The link is added to the evidence." in page
    assert (
        '<a href="https://example.org/fotos/pozo?id=3" rel="noopener noreferrer nofollow">'
        "Fotos del pozo</a>" in page
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox",
        "ftp://example.org/informe.pdf",
        "//example.org/informe.pdf",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\x00",
        "http://[::1",
        "example.org",
        "",
        "https://example.org/" + "a" * 1981,
    ],
)
def test_links_other_than_http_are_refused(session, partnership, action, company_rep, url):
    with pytest.raises(ServiceError) as refused:
        add_link(session, partnership, company_rep, action, url)

    assert refused.value.field == "url"
    assert rows(session, action) == []


def test_a_link_of_the_longest_length_is_kept(session, partnership, action, company_rep):
    url = "https://example.org/" + "a" * 1980

    assert add_link(session, partnership, company_rep, action, url).url == url


def test_a_title_too_long_is_refused(session, partnership, action, company_rep):
    with pytest.raises(ServiceError) as refused:
        add_link(session, partnership, company_rep, action, "https://example.org", "t" * 201)

    assert (str(refused.value.message), refused.value.field) == (
        "The title is too long (limit: 200 characters).",
        "title",
    )


# Who may add -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("facilitator", True),
        ("company_rep", True),  # the lead's
        ("council_rep", True),  # a supporter's, who may report though not edit
        ("ngo_rep", False),  # another partner's
        ("observer", False),
    ],
)
def test_who_may_add_evidence_under_the_lead_rule(
    request, session, partnership, charter, action, who, allowed
):
    user = request.getfixturevalue(who)

    if allowed:
        add_link(session, partnership, user, action, "https://example.org")
    else:
        with pytest.raises(ServiceError) as refused:
            add_link(session, partnership, user, action, "https://example.org")
        assert str(refused.value.message) == NOT_ALLOWED

    assert len(rows(session, action)) == (1 if allowed else 0)


def test_another_partners_representative_is_told_and_nothing_is_kept(
    session, web, partnership, action, ngo_rep
):
    client = web(ngo_rep)

    response = upload(client, action, PDF, "informe.pdf")

    assert str(escape(NOT_ALLOWED)) in message_after(client, response)
    assert rows(session, action) == []
    assert files_in(Path(web.app.instance_path, "uploads", "actions", str(partnership.id))) == []


def test_the_forms_show_only_to_those_who_may_add(web, action, council_rep, observer):
    assert 'name="file"' in web(council_rep).get(base(action)).get_data(as_text=True)
    page = web(observer).get(base(action)).get_data(as_text=True)
    assert 'name="file"' not in page and "No evidence yet." in page


# Downloads -------------------------------------------------------------------------------


def uploaded(session, client, action, data: bytes, filename: str) -> Evidence:
    assert upload(client, action, data, filename).status_code == 303
    return rows(session, action)[-1]


def test_a_member_downloads_a_file_with_safe_headers(session, web, action, company_rep, observer):
    row = uploaded(session, web(company_rep), action, PDF, "Informe año.pdf")

    response = web(observer).get(f"{base(action)}/evidence/{row.id}")

    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Informe_ano.pdf\"; filename*=UTF-8''Informe%20a%C3%B1o.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_images_open_in_the_browser_and_names_without_ascii_get_one(
    session, web, action, company_rep
):
    client = web(company_rep)
    row = uploaded(session, client, action, PNG, "صورة.exe")

    response = client.get(f"{base(action)}/evidence/{row.id}")

    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="evidence-{row.id}.png"; '
        "filename*=UTF-8''%D8%B5%D9%88%D8%B1%D8%A9.exe.png"
    )


def test_text_is_served_as_utf8_text(session, web, action, company_rep):
    client = web(company_rep)
    row = uploaded(session, client, action, "a;ñ\n".encode(), "d.csv")

    response = client.get(f"{base(action)}/evidence/{row.id}")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"d.csv\"; filename*=UTF-8''d.csv"
    )


def test_downloads_are_hidden_from_everyone_else(
    session, make, web, partnership, action, other_action, company_rep
):
    member = web(company_rep)
    row = uploaded(session, member, action, PDF, "informe.pdf")
    link = add_link(session, partnership, company_rep, action, "https://example.org")
    session.commit()
    elsewhere = make.partnership()
    stranger = web(make.member(elsewhere, Role.FACILITATOR))
    outsider = web(make.user())
    url = f"{base(action)}/evidence/{row.id}"

    assert member.get(url).status_code == 200
    assert member.get(f"{base(other_action)}/evidence/{row.id}").status_code == 404
    assert member.get(f"{base(action)}/evidence/{link.id}").status_code == 404
    assert member.get(f"{base(action)}/evidence/{row.id + 1000}").status_code == 404
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"/p/{elsewhere.id}/actions/{action.id}/evidence/{row.id}").status_code == (
        404
    )
    assert outsider.get(url).status_code == 404
    signed_out = web.app.test_client().get(url)
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]


# Removing --------------------------------------------------------------------------------


def test_the_person_who_added_a_file_removes_it_and_its_file(
    session, web, partnership, action, council_rep
):
    client = web(council_rep)
    upload(client, action, PDF, "informe.pdf")
    (row,) = rows(session, action)
    row_id = row.id
    path = Path(web.app.instance_path, "uploads", "actions", str(partnership.id), row.stored_name)
    assert path.exists()

    response = client.post(f"{base(action)}/evidence/{row_id}/remove")

    assert "The evidence is removed." in message_after(client, response)
    assert rows(session, action) == []
    assert not path.exists()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "action.evidence_remove"))
    assert (entry.actor_id, entry.object_id, entry.details["filename"]) == (
        council_rep.id,
        row_id,
        "informe.pdf",
    )


def test_a_facilitator_removes_anyones_evidence(
    session, web, partnership, action, company_rep, facilitator
):
    row = add_link(session, partnership, company_rep, action, "https://example.org")
    session.commit()

    web(facilitator).post(f"{base(action)}/evidence/{row.id}/remove")

    assert rows(session, action) == []


def test_others_may_not_remove_evidence_and_it_stays(
    session, web, partnership, action, council_rep, company_rep
):
    client = web(council_rep)
    upload(client, action, PDF, "informe.pdf")
    (row,) = rows(session, action)
    path = Path(web.app.instance_path, "uploads", "actions", str(partnership.id), row.stored_name)
    lead = web(company_rep)  # edits the action, but did not add this

    response = lead.post(f"{base(action)}/evidence/{row.id}/remove")

    assert "Only the person who added this evidence or a facilitator can remove it." in (
        message_after(lead, response)
    )
    assert [r.id for r in rows(session, action)] == [row.id]
    assert path.read_bytes() == PDF
    assert "Remove" not in lead.get(base(action)).get_data(as_text=True).split('id="evidence"')[1]


# The list on the action's page --------------------------------------------------------------


def test_the_evidence_list_costs_the_same_queries_for_more_items(
    session, make, web, partnership, action, company_rep, count_queries
):
    client = web(company_rep)
    add_link(session, partnership, company_rep, action, "https://example.org/1")
    session.commit()
    client.get(base(action))  # warm caches
    with count_queries() as one:
        assert client.get(base(action)).status_code == 200
    for n in range(4):
        user = make.member(partnership, Role.FACILITATOR)
        add_link(session, partnership, user, action, f"https://example.org/{n + 2}")
    session.commit()

    with count_queries() as five:
        page = client.get(base(action)).get_data(as_text=True)

    assert page.count('rel="noopener noreferrer nofollow"') == 5
    assert five["n"] == one["n"]
