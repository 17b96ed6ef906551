"""Tables that stack on a phone keep their column headers: every cell of a `table.stack`
carries its header as `data-label`, shown above the value below the breakpoint."""

import re
from html.parser import HTMLParser

from hsbp.grievances import services as grievance_services
from hsbp.paths import resource_dir
from hsbp.security import Role

STACKED = re.compile(r'<table class="stack">.*?</table>', re.S)


class StackedCells(HTMLParser):
    """The header texts of each stacked table and, per body row, its cells' data-labels."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._depth = 0
        self._header: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "stack" in (attrs.get("class") or "").split():
            self.tables.append({"headers": [], "rows": []})
            self._depth = 1
        elif tag == "table" and self._depth:
            self._depth += 1
        elif not self._depth:
            return
        elif tag == "th" and attrs.get("scope") == "col":
            self._header = []
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag == "td":
            self.tables[-1]["rows"][-1].append(attrs)

    def handle_endtag(self, tag):
        if tag == "table" and self._depth:
            self._depth -= 1
        elif tag == "th" and self._header is not None:
            self.tables[-1]["headers"].append(" ".join("".join(self._header).split()))
            self._header = None

    def handle_data(self, data):
        if self._header is not None:
            self._header.append(data)


def stacked_tables(html: str) -> list[dict]:
    parser = StackedCells()
    parser.feed(html)
    return parser.tables


def unlabelled(table: dict) -> list[dict]:
    """Cells without a label, but for a row's only cell ("No contact matches.")."""
    return [
        cell
        for row in table["rows"]
        if not (len(row) == 1 and "colspan" in row[0])
        for cell in row
        if not (cell.get("data-label") or "").strip()
    ]


def test_every_cell_of_a_stacked_table_template_has_a_label():
    templates = resource_dir("templates")
    found = 0
    for path in sorted(templates.rglob("*.html")):
        for table in STACKED.findall(path.read_text(encoding="utf-8")):
            found += 1
            columns = len(re.findall(r'<th scope="col"', table))
            for cell in re.findall(r"<td\b[^>]*>", table):
                # A row's only cell, across every column: "No contact matches."
                lone = f'colspan="{columns}"' in cell
                assert "data-label=" in cell or lone, f"{path.relative_to(templates)}: {cell}"
    assert found >= 20


def test_list_pages_label_every_cell_with_its_header(client, login, make, session):
    partnership = make.partnership(name="Caguán")
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(name="Fabiola"))
    make.member(partnership, Role.OBSERVER, user=make.user(name="Omar"))
    token = grievance_services.settings_of(session, partnership.id).public_token
    filed = client.post(
        f"/g/{token}",
        data={"description": "El camión tumbó la cerca.", "language": "es", "anonymous": "yes"},
    )
    assert filed.status_code == 302
    login(facilitator)
    client.post("/language", data={"locale": "en", "next": "/"})

    grievances = stacked_tables(client.get(f"/p/{partnership.id}/grievances").get_data(True))
    assert len(grievances) == 1 and unlabelled(grievances[0]) == []
    [_head, first] = grievances[0]["rows"]
    assert (
        [cell["data-label"] for cell in first]
        == grievances[0]["headers"]
        == [
            "Code",
            "Received",
            "Category",
            "Partner concerned",
            "Severity",
            "Stage",
            "Deadline",
            "Grievance officer",
        ]
    )

    members = stacked_tables(client.get(f"/p/{partnership.id}/members").get_data(True))
    assert len(members) == 1 and unlabelled(members[0]) == []
    # A facilitator changes role and partner in one cell that spans both columns.
    for row in members[0]["rows"][1:]:
        assert [cell["data-label"] for cell in row] == [
            "Name",
            "Role · Partner",
            "SMS texts",
            "Actions",
        ]
