"""The register's audit entries read as sentences in the partnership's record, naming the
risk by its number and title and linking it, for the facilitators; members other than
facilitators do not see them at all (who reads a risk depends on the risk)."""

from __future__ import annotations

from hsbp.partnerships import shared_record
from hsbp.risks import services
from hsbp.risks.register_activity import ACTIONS
from tests.risks.test_connections_services import connect
from tests.risks.test_register_services import membership_of, record


def test_facilitators_read_the_registers_entries_as_sentences(
    client, login, session, partnership, facilitator, company
):
    risk = record(session, facilitator, partnership)
    connect(session, facilitator, partnership, risk, company)
    services.change_status(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        risk=risk,
        status="closed",
        reason="Duplicado de R-2.",
    )
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    link = (
        f'<a href="/p/{partnership.id}/risks/{risk.id}">the risk <bdi>R-1 River pollution</bdi></a>'
    )
    assert f"<bdi>Fabiola</bdi> recorded {link} in the risks register." in page
    assert (
        f"<bdi>Fabiola</bdi> recorded how <bdi>Palma del Caguán S.A.</bdi> is connected to {link}."
        in page
    )
    assert f"<bdi>Fabiola</bdi> changed the status of {link}." in page
    # The reasoning and the reason are the partners' texts: never in the log.
    assert "Duplicado" not in page
    assert "spill palm oil" not in page


def test_others_do_not_see_the_registers_entries(
    client, login, session, partnership, company_rep, company
):
    risk = record(session, company_rep, partnership)
    connect(session, company_rep, partnership, risk, company)
    login(company_rep)
    page = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert "R-1" not in page
    assert "Risk recorded" not in page
    assert "connected to" not in page


def test_every_register_action_is_kept_from_the_shared_record():
    families = shared_record.HIDDEN_FAMILIES
    assert all(action.startswith(families) for action in ACTIONS)
