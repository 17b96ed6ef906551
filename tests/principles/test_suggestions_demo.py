"""The demo's suggestions: version 2 of the Caguán charter carries the history of an accepted
and a declined suggestion, readable on its page."""

from sqlalchemy import select

from hsbp import demo
from hsbp.auth.models import User
from hsbp.partnerships.models import Partnership
from hsbp.principles import services, suggestions
from hsbp.principles.suggestion_demo import seed_suggestions

CAGUAN = "Alianza por la Seguridad Humana del Caguán"


def test_version_2_of_the_demo_keeps_its_suggestions(client, login, session):
    demo.seed_if_empty(session)
    caguan = session.scalars(select(Partnership).where(Partnership.name == CAGUAN)).one()
    facilitator = session.scalars(
        select(User).where(User.email == "lucia.hernandez@demo.hsbp.example")
    ).one()
    version = services.get_version(session, partnership_id=caguan.id, number=2)

    def history():
        return suggestions.history(session, partnership_id=caguan.id, version_id=version.id)

    # Once hsbp.demo calls seed_suggestions itself, its result is what is checked below.
    if not history():
        seed_suggestions(session, partnership=caguan, facilitator=facilitator)
    assert [(s.clause.split("/")[0], s.status) for s in history()] == [
        ("protocols", "declined"),
        ("goals", "accepted"),
    ]
    assert version.status == "proposed"
    login(facilitator)
    page = client.get(f"/p/{caguan.id}/charter/2").get_data(as_text=True)
    assert "Un mes no alcanza para entregar los viveros en buen estado." in page
    assert "La asamblea acordó un mes; se revisa en la próxima enmienda." in page
