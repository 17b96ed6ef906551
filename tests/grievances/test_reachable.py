"""Every grievance screen is reachable: the list page leads to recording a grievance heard in
person, to filing one as a member and to the figures, and shows those who handle grievances
the public form's address with a printable poster whose QR code draws that address."""

import html
import re

import segno

from hsbp.grievances import services
from hsbp.grievances.models import GrievanceSettings

POSTER_PATH = re.compile(r'<path [^>]*stroke="#000" d="([^"]+)"')


def url(partnership, tail=""):
    return f"/p/{partnership.id}/grievances{tail}"


def page_of(client, path) -> str:
    return html.unescape(client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True))


def public_link(session, partnership) -> str:
    token = services.settings_of(session, partnership.id).public_token
    return f"http://hsbp.test/g/{token}"


def test_the_list_leads_those_who_handle_grievances_to_every_screen(
    session, client, login, partnership, officer
):
    link = public_link(session, partnership)
    login(officer)
    page = page_of(client, url(partnership))
    actions = page.split('id="grievance-actions"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', actions) == [
        (url(partnership, "/record"), "Record a grievance received in person or by phone"),
        (url(partnership, "/new"), "File a grievance yourself"),
        (url(partnership, "/dashboard"), "Figures"),
        (url(partnership, "/officers"), "Grievance officers"),
        (url(partnership, "/settings"), "Grievance settings"),
    ]
    top = page.split('id="public-link"')[1].split("</section>")[0]
    assert f'<a href="{link}" class="sms-text" dir="ltr">{link}</a>' in top
    assert f'href="{url(partnership, "/poster")}"' in top
    # The public form's address comes before the list's actions.
    assert page.index('id="public-link"') < page.index('id="grievance-actions"')


def test_a_representative_is_led_to_filing_and_figures_only(
    client, login, partnership, company_rep
):
    login(company_rep)
    page = page_of(client, url(partnership))
    actions = page.split('id="grievance-actions"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', actions) == [
        url(partnership, "/new"),
        url(partnership, "/dashboard"),
    ]
    assert 'id="public-link"' not in page
    assert "/g/" not in page


def test_the_dashboard_leads_to_filing_a_grievance(client, login, partnership, observer):
    login(observer)
    page = page_of(client, url(partnership, "/dashboard"))
    assert (
        f'<a class="button" href="{url(partnership, "/new")}">File a grievance yourself</a>' in page
    )


def test_no_public_link_while_the_public_form_is_off(session, client, login, partnership, officer):
    services.settings_of(session, partnership.id).public_form = False
    session.flush()
    login(officer)
    assert 'id="public-link"' not in page_of(client, url(partnership))
    assert client.get(url(partnership, "/poster")).status_code == 404


def test_only_those_who_handle_grievances_reach_the_poster(
    client, login, partnership, company_rep, observer
):
    for user in (company_rep, observer):
        login(user)
        assert client.get(url(partnership, "/poster")).status_code == 404


def modules_drawn(svg_path: str, size: int) -> list[list[bool]]:
    """The dark modules a segno SVG path draws: "M x y.5" moves, "m dx dy" moves relative,
    "h n" draws n modules to the right."""
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", svg_path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            for column in range(int(x), int(x + values[0])):
                grid[int(y)][column] = True
            x += values[0]
    return grid


def test_the_poster_draws_the_public_link_as_a_qr_code(
    session, client, login, partnership, officer
):
    link = public_link(session, partnership)
    login(officer)
    response = client.get(url(partnership, "/poster"), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert f'<p class="poster-link">{link}</p>' in page
    assert "print.css" in page
    svg = page.split('<div class="qr">')[1].split("</div>")[0]
    assert svg.startswith('<svg role="img" shape-rendering="crispEdges" viewBox="0 0 ')
    assert "<title>QR code of the grievance form's address</title>" in svg
    expected = segno.make(link, error="m")
    size = expected.symbol_size(scale=1, border=4)[0]
    drawn = modules_drawn(POSTER_PATH.search(svg).group(1), size)
    wanted = [[bool(bit) for bit in row] for row in expected.matrix_iter(border=4)]
    assert drawn == wanted
    assert expected.designator.endswith("M")  # error correction survives wear


def test_the_poster_follows_a_new_address(session, client, login, partnership, officer):
    old = public_link(session, partnership)
    login(officer)
    session.get(
        GrievanceSettings, services.settings_of(session, partnership.id).id
    ).public_token = "new-token"
    session.flush()
    page = page_of(client, url(partnership, "/poster"))
    assert "http://hsbp.test/g/new-token" in page
    assert old not in page
