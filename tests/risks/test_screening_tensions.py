"""Places with recorded tensions: the threats and dividers of the latest validated context,
and the places of incidents reported in the last 90 days, compared case and accents aside."""

from datetime import timedelta

import pytest

from hsbp.db import utcnow
from hsbp.risks.context_models import ContextAssessment
from hsbp.risks.incident_models import Incident
from hsbp.risks.tensions import context_places, place_key, places_with_tension, tense_places


def context(session, partnership, number: int, status: str, **parts) -> ContextAssessment:
    row = ContextAssessment(
        partnership_id=partnership.id, number=number, status=status, content=parts
    )
    session.add(row)
    session.flush()
    return row


def incident(session, partnership, number: int, locality: str, days_ago: float) -> Incident:
    row = Incident(
        partnership_id=partnership.id,
        number=number,
        channel="web",
        description="Amenazas en la vereda",
        locality=locality,
        received_at=utcnow() - timedelta(days=days_ago),
    )
    session.add(row)
    session.flush()
    return row


def item(locality: str, **more) -> dict:
    return {"key": "k" + locality[:4], "locality": locality, "text": "…", **more}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Peñas Coloradas", "PENAS COLORADAS"),
        ("  peñas   coloradas. ", "PENAS COLORADAS"),
        ("PEÑAS COLORADAS", "PENAS COLORADAS"),
        ("Remolinos del Caguán", "REMOLINOS DEL CAGUAN"),
        ("", ""),
    ],
)
def test_place_key_sets_case_accents_and_spacing_aside(name, key):
    assert place_key(name) == key


def test_places_come_from_threats_and_dividers_of_the_latest_validated_context(
    session, partnership
):
    context(
        session,
        partnership,
        1,
        "superseded",
        threats=[item("Cartagena del Chairá", dimension="personal")],
    )
    context(
        session,
        partnership,
        2,
        "validated",
        threats=[item("Peñas Coloradas", dimension="community"), item("")],
        dividers=[item("Remolinos del Caguán")],
        connectors=[item("Santa Fe del Caguán")],
        trends=[item("La Unión Peneya")],
    )
    # A newer version not yet confirmed by every partner is not the shared reading.
    context(session, partnership, 3, "proposed", dividers=[item("Monserrate")])
    context(session, partnership, 4, "draft", threats=[item("El Guamo")])
    assert places_with_tension(session, partnership_id=partnership.id) == {
        "PENAS COLORADAS",
        "REMOLINOS DEL CAGUAN",
    }


def test_the_latest_of_two_validated_versions_counts(session, partnership):
    context(session, partnership, 1, "validated", threats=[item("Peñas Coloradas")])
    context(session, partnership, 2, "validated", dividers=[item("El Guamo")])
    assert places_with_tension(session, partnership_id=partnership.id) == {"EL GUAMO"}


def test_no_validated_context_and_no_incident_means_no_tension(session, partnership):
    context(session, partnership, 1, "draft", threats=[item("Peñas Coloradas")])
    assert places_with_tension(session, partnership_id=partnership.id) == set()


def test_a_malformed_context_gives_what_it_can():
    assert context_places(None) == set()
    assert context_places({"threats": "Peñas", "dividers": [None, 3, {"locality": 5}]}) == set()
    assert context_places({"threats": [{"locality": "El Guamo"}], "dividers": {}}) == {"EL GUAMO"}


def test_recent_incidents_add_their_places_and_old_ones_do_not(session, partnership):
    incident(session, partnership, 1, "Santa Fe del Caguán", days_ago=2)
    incident(session, partnership, 2, "santa fe del caguan", days_ago=30)
    incident(session, partnership, 3, "La Unión Peneya", days_ago=89.9)
    incident(session, partnership, 4, "Monserrate", days_ago=90.1)
    incident(session, partnership, 5, "", days_ago=1)
    assert places_with_tension(session, partnership_id=partnership.id) == {
        "SANTA FE DEL CAGUAN",
        "LA UNION PENEYA",
    }


def test_another_partnerships_context_and_incidents_are_ignored(session, partnership, other):
    context(session, other, 1, "validated", threats=[item("Puerto Asís")])
    incident(session, other, 1, "Mocoa", days_ago=1)
    incident(session, partnership, 1, "El Guamo", days_ago=1)
    assert places_with_tension(session, partnership_id=partnership.id) == {"EL GUAMO"}
    assert places_with_tension(session, partnership_id=other.id) == {"PUERTO ASIS", "MOCOA"}


def test_context_and_incidents_together_in_two_queries(session, partnership, count_queries):
    context(session, partnership, 1, "validated", dividers=[item("Peñas Coloradas")])
    for number in range(1, 13):
        incident(session, partnership, number, f"Vereda {number}", days_ago=number)
    with count_queries() as counter:
        found = places_with_tension(session, partnership_id=partnership.id)
    assert counter["n"] == 2
    assert len(found) == 13


def test_tense_places_keep_the_actions_spelling_once_each():
    tense = {"PENAS COLORADAS", "EL GUAMO"}
    places = ["Florencia", "peñas coloradas", "Peñas Coloradas", "El Guamo"]
    assert tense_places(places, tense) == ["peñas coloradas", "El Guamo"]
    assert tense_places([], tense) == []
    assert tense_places(None, tense) == []
