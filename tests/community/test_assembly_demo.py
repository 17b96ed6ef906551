"""The demo's community assemblies: the amendment proposed to the partners has one assembly's
endorsement, witnessed, and one assembly awaiting its witness."""

from sqlalchemy import select

from hsbp import demo
from hsbp.community.models import Assembly
from hsbp.partnerships.models import Partner, Partnership
from hsbp.principles.models import Endorsement


def test_demo_proposal_has_a_witnessed_assembly_and_one_awaiting_its_witness(session):
    demo.seed_if_empty(session)
    caguan = session.scalars(select(Partnership).where(Partnership.name.like("%Caguán%"))).one()
    rows = session.execute(
        select(Partner.name, Assembly)
        .join(Assembly, Assembly.partner_id == Partner.id)
        .where(Assembly.partnership_id == caguan.id)
        .order_by(Assembly.id)
    ).all()

    assert [(name, a.result, a.witnessed_at is not None) for name, a in rows] == [
        ("Asociación de Víctimas del Bajo Caguán", "endorse", True),
        ("Cabildo Indígena Nasa Kiwe Uma", "endorse", False),
    ]
    witnessed = rows[0][1]
    assert witnessed.minutes_filename == "acta-007-bajo-caguan.txt"
    endorsement = session.scalars(
        select(Endorsement).where(Endorsement.assembly_id == witnessed.id)
    ).one()
    assert (endorsement.version.number, endorsement.version.status) == (2, "proposed")
