"""Pages are light: no outside assets, and under 100 KB with everything they load."""

import re

from hsbp.security import Role

LIMIT = 100_000


def page_weight(client, url: str) -> int:
    body = client.get(url).get_data()
    total = len(body)
    for asset in set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', body)):
        response = client.get(asset.decode())
        assert response.status_code == 200, asset
        total += len(response.get_data())
    return total


def test_login_and_dashboard_are_under_100_kb(client, make, login):
    assert page_weight(client, "/login") < LIMIT
    partnership = make.partnership()
    for _ in range(12):
        make.partner(partnership)
    login(make.member(partnership, Role.FACILITATOR))
    assert page_weight(client, f"/p/{partnership.id}/") < LIMIT


def test_no_asset_comes_from_another_site(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    for url in ("/login", f"/p/{partnership.id}/"):
        body = client.get(url).get_data(as_text=True)
        assert re.findall(r'(?:href|src)="(?:https?:)?//', body) == [], url


def test_missing_page_gets_a_friendly_404(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert "Página no encontrada" in response.get_data(as_text=True)
