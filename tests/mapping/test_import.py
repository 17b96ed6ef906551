"""CSV and XLSX import: preview first, every bad row by line, nothing until confirmed,
re-import updates."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.mapping.models import Participant, ParticipantImport
from hsbp.security import Role

CSV = (
    "external_ref,name,kind,sector,locality,groups,interest,influence,phone,risk,proposed_by\n"
    "CAG-1,Asociación de Mujeres Cacaoteras,organisation,community_group,La Esperanza,women,"
    "5,2,3104567821,low,Agroforestal\n"
    "CAG-2,Colectivo Juvenil,group,community_group,San Vicente,youth;women,4,1,,low,\n"
    "CAG-3,Sin Teléfono Válido,person,individual,Playa Rica,,3,3,12345,high,\n"
    "CAG-4,,group,community_group,Los Pozos,,3,3,,low,\n"
    "CAG-5,Grupo Desconocido,group,community_group,Los Pozos,farmers,3,3,,low,\n"
)


def upload(client, partnership_id, content: bytes, filename="participants.csv"):
    return client.post(
        f"/p/{partnership_id}/mapping/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def count(session):
    return session.scalar(select(func.count()).select_from(Participant))


def confirm(client, partnership_id, session):
    staged = session.scalars(select(ParticipantImport)).one()
    return client.post(f"/p/{partnership_id}/mapping/import/{staged.id}")


def test_preview_reports_each_bad_row_and_writes_nothing(client, login, mapped, session):
    login(mapped.facilitator)
    body = upload(client, mapped.partnership.id, CSV.encode()).get_data(as_text=True)
    assert "2 rows can be imported, 3 rows have problems" in body
    problems = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", body)
    assert problems == [
        ("4", "Sin Teléfono Válido", "This is not a phone number: 12345"),
        ("5", "", "A name is required."),
        ("6", "Grupo Desconocido", "unknown group: farmers"),
    ]
    assert count(session) == 0


def test_confirm_imports_the_good_rows_and_a_reimport_updates(client, login, mapped, session):
    login(mapped.facilitator)
    upload(client, mapped.partnership.id, CSV.encode())
    response = confirm(client, mapped.partnership.id, session)
    assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import done: 2 new, 0 updated, 3 rows skipped." in done
    youth = session.scalars(select(Participant).where(Participant.external_ref == "CAG-2")).one()
    assert sorted(t.key for t in youth.tags) == ["women", "youth"]
    first = session.scalars(select(Participant).where(Participant.external_ref == "CAG-1")).one()
    assert (first.phone, first.proposed_by_partner_id) == ("+573104567821", mapped.company.id)
    assert session.scalars(select(ParticipantImport)).all() == []

    changed = CSV.replace("La Esperanza,women,5,2", "La Esperanza,women,5,4")
    upload(client, mapped.partnership.id, changed.encode())
    response = confirm(client, mapped.partnership.id, session)
    assert "Import done: 0 new, 2 updated, 3 rows skipped." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert count(session) == 2
    session.expire_all()
    assert first.influence == 4


def test_duplicates_inside_one_file_are_reported(client, login, mapped):
    login(mapped.facilitator)
    content = b"external_ref,name,phone\nA,Uno,3104567821\nB,Dos,+573104567821\nA,Tres,\n"
    body = upload(client, mapped.partnership.id, content).get_data(as_text=True)
    assert "the same phone number is on an earlier line" in body
    assert "the same external_ref is on an earlier line" in body


def test_xlsx_is_accepted(client, login, mapped, session):
    book = Workbook()
    sheet = book.active
    sheet.append(["external_ref", "name", "sector", "interest", "influence", "consent_date"])
    sheet.append(["X-1", "Cabildo Nasa", "community_group", 5, 3, "2026-03-02"])
    out = io.BytesIO()
    book.save(out)
    login(mapped.facilitator)
    body = upload(client, mapped.partnership.id, out.getvalue(), "mapa.xlsx").get_data(as_text=True)
    assert "1 rows can be imported, 0 rows have problems" in body
    confirm(client, mapped.partnership.id, session)
    assert session.scalars(select(Participant.display_name)).all() == ["Cabildo Nasa"]


def test_wrong_file_type_and_unknown_columns_are_explained(client, login, mapped):
    login(mapped.facilitator)
    wrong = upload(client, mapped.partnership.id, b"name\nA\n", "participants.txt")
    assert wrong.status_code == 422
    assert "Upload a .csv or .xlsx file." in wrong.get_data(as_text=True)
    odd = upload(client, mapped.partnership.id, b"name,shoe_size\nA,42\n")
    assert odd.status_code == 422
    assert "Unknown columns: shoe_size" in odd.get_data(as_text=True)


def test_someone_else_s_staged_import_cannot_be_confirmed(
    client, login, mapped, session, app, make
):
    login(mapped.facilitator)
    upload(client, mapped.partnership.id, CSV.encode())
    staged = session.scalars(select(ParticipantImport)).one()
    other = login(make.member(mapped.partnership, Role.FACILITATOR), target=app.test_client())
    assert other.post(f"/p/{mapped.partnership.id}/mapping/import/{staged.id}").status_code == 404
    assert count(session) == 0


def test_staged_file_is_encrypted(client, login, mapped, session, connection):
    login(mapped.facilitator)
    upload(client, mapped.partnership.id, CSV.encode())
    raw = connection.exec_driver_sql("SELECT content FROM mapping_imports").scalar()
    assert b"3104567821" not in bytes(raw)


def test_a_row_that_looks_like_a_protected_participant_is_named_and_the_check_audited(
    client, login, mapped, add, session
):
    protected = add(name="Diana Marcela Ortiz", phone="3146667788", risk="high")
    add(name="Junta de Acción Comunal", phone="3001112233")
    login(mapped.facilitator)
    content = b"name,phone\nOtra Persona,314 666 7788\nOtra Junta,3001112233\nNueva,3209998877\n"
    body = upload(client, mapped.partnership.id, content).get_data(as_text=True)
    assert f"already mapped as {protected.display_name}" in body
    assert "already mapped as Junta de Acción Comunal" in body
    checks = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.duplicate_check")
    ).all()
    assert [(c.object_id, c.details) for c in checks] == [
        (protected.id, {"candidate_id": protected.id, "source": "import", "line": 2})
    ]
