"""A person's export as readable sections, for the page and the PDF alike: every code named,
every date in the partnership's time zone, in the export's language. Call inside
`force_locale(export language)` and the request of the partnership's page (for its time zone).

Cells hold the person's own texts as they wrote them; the page isolates every cell (<bdi>)
and the PDF every line, so a Spanish answer keeps its order in an Arabic export.
"""

from __future__ import annotations

from flask_babel import gettext as _

from hsbp.i18n import isolated, language_name
from hsbp.privacy import export_labels as L
from hsbp.privacy import registry
from hsbp.privacy.export_layout import Section, Table, at_time, named, on_day, shown, yes_no
from hsbp.sms.admin_common import display_phone


def sections(data: dict) -> list[Section]:
    """The export's sections, in reading order; a kind with nothing held says so."""
    found = [
        _identity(data),
        _memberships(data),
        _consent(data),
        _messages(data),
        _consultations_asked(data),
        _answers(data),
        _grievances(data),
        _votes(data),
        _checks(data),
        _pulses(data),
        _polls(data),
        *(part.section(data.get(part.key) or []) for part in registry.parts()),
        _mapping(data),
        _purposes(data),
        _retention(data),
        _erasure(data),
        Section("notes", str(L.TITLES["notes"]), paragraphs=list(data["notes"])),
    ]
    for section in found:
        if section.empty:
            section.paragraphs.append(str(L.NONE_HELD))
    return found


def _section(key: str, **kwargs) -> Section:
    return Section(key, str(L.TITLES[key]), **kwargs)


def _identity(data: dict) -> Section:
    who = data["identity"]
    facts = []
    if who["name"]:
        facts.append((_("Name"), who["name"]))
    if who["display_name"] and who["display_name"] != who["name"]:
        facts.append((_("Name shown to others"), who["display_name"]))
    for phone in who["phones"]:
        facts.append((_("Phone number"), display_phone(phone)))
    if who["email"]:
        facts.append((_("E-mail address"), who["email"]))
    if who["erased_at"]:
        facts.append((_("Erased on"), at_time(who["erased_at"])))
    return _section("identity", facts=facts)


def _memberships(data: dict) -> Section:
    rows = [
        [
            display_phone(m["phone"]) or "—",
            named(L.MEMBERSHIP_STATUS_LABELS, m["status"]),
            at_time(m["joined_at"]),
            at_time(m["confirmed_at"]),
            language_name(m["language"]) if m["language"] else "—",
            yes_no(m["stopped_all_messages"]),
            yes_no(m["wants_updates"]),
        ]
        for m in data["memberships"]
    ]
    if not rows:
        return _section("memberships")
    headings = [
        _("Phone number"),
        _("State"),
        _("Added"),
        _("Confirmed"),
        _("Language"),
        _("Stopped all messages"),
        _("Asked for news"),
    ]
    title = str(L.TITLES["memberships"])
    return _section(
        "memberships", tables=[Table(title, headings, rows, [3, 2, 2.2, 2.2, 2, 1.6, 1.6])]
    )


def _consent(data: dict) -> Section:
    tables = []
    if data["consents"]:
        tables.append(
            Table(
                _("Consent per purpose"),
                [_("Purpose"), _("Given"), _("How"), _("When"), _("Until")],
                [
                    [
                        named(L.PURPOSE_LABELS, c["purpose"]),
                        yes_no(c["granted"]),
                        named(L.NEW_CONSENT_CHANNEL_LABELS, c["channel"]),
                        at_time(c["given_at"]),
                        on_day(c["expires_on"]),
                    ]
                    for c in data["consents"]
                ],
                [3, 1, 2, 2, 2],
            )
        )
    if data["consent_changes"]:
        tables.append(
            Table(
                _("Earlier answers per purpose"),
                [_("When"), _("Purpose"), _("Given"), _("How"), _("Why")],
                [
                    [
                        at_time(c["at"]),
                        named(L.PURPOSE_LABELS, c["purpose"]),
                        yes_no(c["granted"]),
                        named(L.NEW_CONSENT_CHANNEL_LABELS, c["channel"]),
                        named(L.CONSENT_CAUSE_LABELS, c["cause"]),
                    ]
                    for c in data["consent_changes"]
                ],
                [2, 3, 1, 2, 3],
            )
        )
    if data["consent_history"]:
        tables.append(
            Table(
                _("Consent history"),
                [_("When"), _("What"), _("How"), _("Note")],
                [
                    [
                        at_time(e["at"]),
                        named(L.CONSENT_EVENT_LABELS, e["event"]),
                        named(L.CONSENT_CHANNEL_LABELS, e["channel"]),
                        shown(e["note"]),
                    ]
                    for e in data["consent_history"]
                ],
                [2, 2, 2, 4],
            )
        )
    return _section("consent", tables=tables)


def _messages(data: dict) -> Section:
    rows = [
        [
            at_time(m["at"]),
            named(L.DIRECTION_LABELS, m["direction"]),
            str(L.REMOVED) if m["body_removed_at"] else shown(m["body"]),
        ]
        for m in data["messages"]
    ]
    headings = [_("When"), _("Direction"), _("Message")]
    title = str(L.TITLES["messages"])
    tables = [Table(title, headings, rows, [2, 1.4, 6])] if rows else []
    return _section("messages", tables=tables)


def _consultations_asked(data: dict) -> Section:
    rows = [
        [
            p["consultation"],
            named(L.PARTICIPATION_STATE_LABELS, p["state"]),
            at_time(p["invited_at"]),
            yes_no(p["anonymous"]),
        ]
        for p in data["consultations_asked"]
    ]
    headings = [_("Consultation"), _("State"), _("Invited"), _("Anonymous")]
    title = str(L.TITLES["consultations_asked"])
    tables = [Table(title, headings, rows, [4, 2, 2, 1])] if rows else []
    return _section("consultations_asked", tables=tables)


def _answershown(answer) -> str:
    if answer["skipped"]:
        return _("(skipped)")
    value = answer["answer"]
    if isinstance(value, list):
        return "; ".join(value) or "—"
    return shown(value if isinstance(value, str) else str(value) if value is not None else "")


def _answers(data: dict) -> Section:
    parts = []
    for response in data["consultation_answers"]:
        facts = [
            (_("Channel"), named(L.CONSULTATION_CHANNEL_LABELS, response["channel"])),
            (_("Started"), at_time(response["started_at"])),
            (_("Finished"), at_time(response["finished_at"])),
        ]
        rows = [[a["question"], _answershown(a)] for a in response["answers"]]
        title = response["consultation"]
        table = Table(title, [_("Question"), _("Your answer")], rows, [4, 4])
        parts.append(Section("response", title, facts=facts, tables=[table] if rows else []))
    return _section("consultation_answers", parts=parts)


def _grievances(data: dict) -> Section:
    found = data["grievances"]
    if not found["included"]:
        return _section("grievances", paragraphs=[str(L.NOTES["grievances_hidden"])])
    parts = []
    for g in found["items"]:
        facts = [
            (_("Reference"), g["code"]),
            (_("Channel"), named(L.GRIEVANCE_CHANNEL_LABELS, g["channel"])),
            (_("Received"), at_time(g["received_at"])),
            (_("Acknowledged"), at_time(g["acknowledged_at"])),
            (_("Response proposed"), at_time(g["response_proposed_at"])),
            (_("Closed"), at_time(g["closed_at"])),
            (_("Stage"), named(L.GRIEVANCE_STAGE_LABELS, g["stage"])),
            (_("Category"), named(L.GRIEVANCE_CATEGORY_LABELS, g["category"])),
            (_("What you told us"), shown(g["description"])),
        ]
        for label, key in (
            (_("Name given"), "complainant_name"),
            (_("Phone given"), "complainant_phone"),
            (_("E-mail given"), "complainant_email"),
        ):
            if g[key]:
                value = display_phone(g[key]) if key == "complainant_phone" else g[key]
                facts.append((label, value))
        if g["identity_removed_at"]:
            facts.append((_("Identity removed on"), at_time(g["identity_removed_at"])))
        if g["rating"] is not None:
            facts.append((_("Your rating of the outcome"), f"{g['rating']}/5"))
        rows = [
            [
                at_time(e["at"]),
                named(L.GRIEVANCE_STAGE_LABELS, e["stage_from"]),
                named(L.GRIEVANCE_STAGE_LABELS, e["stage_to"]),
                yes_no(e["told_by_sms"]),
            ]
            for e in g["events"]
        ]
        headings = [_("When"), _("From"), _("To"), _("Told by SMS")]
        tables = [Table(_("Steps"), headings, rows, [2, 2, 2, 1])] if rows else []
        parts.append(Section("grievance", g["code"], facts=facts, tables=tables))
    return _section("grievances", parts=parts)


def _votes(data: dict) -> Section:
    rows = [
        [
            v["vote"],
            "; ".join(v["ranking"]) if v["ranking"] else named(L.VOTE_CHOICE_LABELS, v["choice"]),
            on_day(v["on"]),
        ]
        for v in data["votes"]
    ]
    headings = [_("Vote"), _("Your answer"), _("On")]
    title = str(L.TITLES["votes"])
    return _section("votes", tables=[Table(title, headings, rows, [4, 3, 2])] if rows else [])


def _checks(data: dict) -> Section:
    rows = [
        [c["question"], named(L.CHECK_ANSWER_LABELS, c["answer"]), on_day(c["on"])]
        for c in data["checks"]
    ]
    headings = [_("Question"), _("Your answer"), _("On")]
    title = str(L.TITLES["checks"])
    return _section("checks", tables=[Table(title, headings, rows, [5, 2, 2])] if rows else [])


def _pulses(data: dict) -> Section:
    rows = []
    for p in data["pulses"]:
        if p["in_progress"]:
            scores = "; ".join(
                f"{named(L.PULSE_DIMENSION_LABELS, k)}: {v}" for k, v in p["scores"].items()
            )
            answer = "; ".join(filter(None, [scores, p["comment"]])) or "—"
            rows.append([p["round"], _("Answering now"), answer])
        else:
            rows.append([p["round"], on_day(p["answered_on"]), _("Sent; not linked to you")])
    headings = [_("Round"), _("Answered"), _("Your answers")]
    title = str(L.TITLES["pulses"])
    return _section("pulses", tables=[Table(title, headings, rows, [3, 2, 4])] if rows else [])


def _polls(data: dict) -> Section:
    rows = [
        [
            r["question"],
            named(L.POLL_STATE_LABELS, r["state"]),
            shown(None if r["value"] is None else str(r["value"])),
            at_time(r["answered_at"]),
        ]
        for r in data["poll_replies"]
    ]
    headings = [_("Question"), _("State"), _("Your reply"), _("When")]
    title = str(L.TITLES["poll_replies"])
    tables = [Table(title, headings, rows, [4, 2, 1.5, 2])] if rows else []
    return _section("poll_replies", tables=tables)


def _mapping(data: dict) -> Section:
    m = data["mapping_record"]
    if m is None:
        return _section("mapping_record")
    facts = [
        (_("Name"), shown(m["name"])),
        (_("Name shown to others"), m["display_name"]),
        (_("Kind"), named(L.KIND_LABELS, m["kind"])),
        (_("Sector"), named(L.PARTICIPANT_SECTOR_LABELS, m["sector"])),
        (_("Locality"), shown(m["locality"])),
        (_("Languages"), ", ".join(language_name(c) for c in m["languages"]) or "—"),
        (_("Groups"), ", ".join(m["tags"]) or "—"),
        (_("Interest (1-5)"), str(m["interest"])),
        (_("Influence (1-5)"), str(m["influence"])),
        (_("Phone number"), display_phone(m["phone"]) or "—"),
        (_("E-mail address"), shown(m["email"])),
        (_("Intermediary"), shown(m["intermediary"])),
        (_("Risk of taking part"), named(L.RISK_LABELS, m["risk"])),
        (_("Protective measures"), shown(m["protective_measures"])),
        (_("Consent given on"), on_day(m["consent_on"])),
        (_("How consent was given"), named(L.CONSENT_METHOD_LABELS, m["consent_method"])),
        (_("What consent covers"), shown(m["consent_scope"])),
        (_("Notes"), shown(m["notes"])),
        (_("Proposed by"), shown(m["proposed_by"])),
        (_("Status"), named(L.MAPPING_STATUS_LABELS, m["status"])),
        (_("Validated by"), shown(m["validated_by"])),
        (_("Validated on"), at_time(m["validated_at"])),
        (_("Recorded on"), at_time(m["created_at"])),
        (_("Last changed"), at_time(m["updated_at"])),
    ]
    you = _("You")
    rows = [
        [
            you if r["direction"] == "to" else r["other"],
            named(L.RELATIONSHIP_LABELS, r["kind"]),
            r["other"] if r["direction"] == "to" else you,
        ]
        for r in m["relationships"]
    ]
    tables = []
    if rows:
        headings = [_("Who"), _("Relationship"), _("With whom")]
        tables.append(Table(_("Relationships"), headings, rows, [3, 2, 3]))
    return _section("mapping_record", facts=facts, tables=tables)


def _purposes(data: dict) -> Section:
    return _section("purposes", paragraphs=[str(text) for text in L.PURPOSES])


def _retention(data: dict) -> Section:
    rows = [
        [named(L.RETENTION_LABELS, r["rule"]), str(L.PERIOD_LABELS[r["unit"]](r["period"]))]
        for r in data["retention"]["rules"]
    ]
    headings = [_("What"), _("Removed after")]
    title = str(L.TITLES["retention"])
    return _section("retention", tables=[Table(title, headings, rows, [5, 2])])


def _erasure(data: dict) -> Section:
    asked = data["erasure"]
    if asked["sms_number"]:
        text = str(L.ERASURE) % {
            "keyword": isolated(asked["sms_keyword"]),
            "number": isolated(asked["sms_number"]),
        }
    else:
        text = str(L.ERASURE_NO_NUMBER)
    return _section("erasure", paragraphs=[text])
