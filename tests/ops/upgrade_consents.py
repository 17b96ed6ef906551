"""What 0028 promises of the rows written before it: consent per purpose from what people had
agreed to (migrations/versions/0028_data_protection.py, `_consents_from_before`)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from tests.ops.upgrade_rows import Row

REVISION = "0028"
METHOD_CHANNELS = {"written": "paper", "verbal": "verbal", "recorded": "verbal", "sms": "sms"}
JOINING = ("consultations", "grievance_follow_up")


def take_consents_from_before(rows: list[Row], found: dict, before) -> int:
    """Check the consents 0028 made from the memberships and participants written before it,
    and take them out of `found` (rows at head by table and key), so that what is left is
    what the writer wrote. Returns how many it made. `before(row, revision)` says whether
    a row was written before a revision."""
    written = {tuple(row.key.values()) for row in rows if row.table == "consents"}
    made = {key: values for key, values in found["consents"].items() if key not in written}
    for key in made:
        del found["consents"][key]

    def at_head(row: Row) -> dict:
        return found[row.table][tuple(row.key.values())]

    contacts = {key[0]: values for key, values in found["sms_contacts"].items()}
    expected = set()
    for row in rows:
        if not before(row, REVISION):
            continue
        if row.table == "sms_contact_memberships" and at_head(row)["status"] == "confirmed":
            member = at_head(row)
            stopped = contacts[member["contact_id"]]["opted_out"]
            since = member["confirmed_at"] or member["joined_at"]
            for purpose in (*JOINING, *(("news",) if member["wants_updates"] else ())):
                person = (member["partnership_id"], member["contact_id"], None)
                expected.add((*person, purpose, not stopped, "sms", since))
        if row.table == "mapping_participants" and at_head(row)["consent_on"] is not None:
            person = at_head(row)
            noon = datetime.combine(person["consent_on"], time(12), tzinfo=UTC)
            channel = METHOD_CHANNELS.get(person["consent_method"] or "", "paper")
            expected.add(
                (person["partnership_id"], None, person["id"], "consultations", True, channel, noon)
            )
    assert {
        (
            values["partnership_id"],
            values["contact_id"],
            values["participant_id"],
            values["purpose"],
            bool(values["granted"]),
            values["channel"],
            values["given_at"],
        )
        for values in made.values()
    } == expected
    assert all(values["expires_on"] is None for values in made.values())
    assert expected, "no row before 0028 to start consent from"
    return len(made)
