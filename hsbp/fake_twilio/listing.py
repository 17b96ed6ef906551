"""The fake Twilio's Messages list: the filters Twilio documents (To, From, DateSent with its
`<` and `>` forms) and its paging, newest first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, jsonify, request

from hsbp.fake_twilio.app import API_VERSION, FakeState, check_account, resource, twilio_error

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
DATE_FILTERS = ("DateSent", "DateSent<", "DateSent>")


def parse_when(text: str) -> date | datetime:
    """A DateSent value: a day (YYYY-MM-DD, as Twilio documents it) or an instant in ISO
    8601 (which Twilio takes too, and the official client sends for a datetime)."""
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def matches_date(sent: datetime | None, name: str, when: date | datetime) -> bool:
    """Whether a message sent at `sent` passes one DateSent filter. A day compares by day:
    `>` is on or after its midnight, `<` on or before that day. A message Twilio has not
    sent yet has no DateSent, so no DateSent filter lists it."""
    if sent is None:
        return False
    if isinstance(when, datetime):
        if name == "DateSent>":
            return sent >= when
        if name == "DateSent<":
            return sent <= when
        return sent.date() == when.date()
    day = sent.date()
    if name == "DateSent>":
        return day >= when
    if name == "DateSent<":
        return day <= when
    return day == when


def sent_at(message: dict[str, Any]) -> datetime | None:
    value = message.get("date_sent")
    return datetime.fromisoformat(value) if value else None


def select_messages(messages: list[dict[str, Any]], filters: dict[str, Any]) -> list[dict]:
    """The messages that pass `filters` (To, From and parsed DateSent ones), most recently
    sent first, as Twilio sorts them; those not sent yet come first, being the newest."""
    chosen = [
        message
        for message in messages
        if filters.get("To") in (None, message["to"])
        and filters.get("From") in (None, message["from"])
        and all(
            matches_date(sent_at(message), name, filters[name])
            for name in DATE_FILTERS
            if name in filters
        )
    ]

    # Stable sorts: the newest accepted first, then the not-yet-sent ones (the newest of
    # all) ahead of the sent ones, these by date sent, latest first.
    chosen.reverse()
    chosen.sort(key=lambda m: (m.get("date_sent") is None, m.get("date_sent") or ""), reverse=True)
    return chosen


def register_listing(app: Flask, state: FakeState) -> None:
    """GET .../Messages.json: Twilio's "Read multiple Message resources"."""
    messages_path = f"/{API_VERSION}/Accounts/<account_sid>/Messages.json"

    @app.get(messages_path)
    def read_messages(account_sid: str):
        refused = check_account(state, account_sid)
        if refused:
            return refused
        args = request.args
        filters: dict[str, Any] = {name: args[name] for name in ("To", "From") if args.get(name)}
        try:
            for name in DATE_FILTERS:
                if args.get(name):
                    filters[name] = parse_when(args[name])
            size = int(args.get("PageSize") or DEFAULT_PAGE_SIZE)
            page = int(args.get("Page") or 0)
        except ValueError:
            return twilio_error(400, 20001, "Invalid date or paging value")
        if not 1 <= size <= MAX_PAGE_SIZE or page < 0:
            return twilio_error(400, 20001, "PageSize must be 1 to 1000, Page 0 or more")
        chosen = select_messages(state.messages(), filters)
        start = page * size
        shown = chosen[start : start + size]
        query = {name: args[name] for name in ("To", "From", *DATE_FILTERS) if args.get(name)}
        base = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"

        def uri(number: int) -> str:
            return f"{base}?{urlencode({**query, 'PageSize': size, 'Page': number})}"

        more = start + size < len(chosen)
        return jsonify(
            {
                "messages": [resource(message, account_sid) for message in shown],
                "start": start,
                "end": start + len(shown) - 1 if shown else start,
                "page": page,
                "page_size": size,
                "uri": uri(page),
                "first_page_uri": uri(0),
                "next_page_uri": uri(page + 1) if more else None,
                "previous_page_uri": uri(page - 1) if page else None,
            }
        )
