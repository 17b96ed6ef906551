"""The words of the notification e-mails: a daily digest, or what is new for someone who
chose immediate e-mails. Plain text, in the reader's language (the caller forces it), each
item a sentence and a link, then one unsubscribe link per kind in the e-mail."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from hsbp.notifications.items import Item, kinds
from hsbp.notifications.services import MAIL_SHOWN, Group
from hsbp.paths import public_url

SUBJECT_MAX = 200


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"] + path


def unsubscribe_link(token: str) -> str:
    return public_url("notifications.unsubscribe", token=token)


def digest_subject(total: int, new: int) -> str:
    if new:
        return ngettext(
            "%(num)d thing needs you (%(new)d new)",
            "%(num)d things need you (%(new)d new)",
            total,
            new=new,
        )
    return ngettext("%(num)d thing needs you", "%(num)d things need you", total)


def immediate_subject(items: list[Item]) -> str:
    if len(items) == 1:
        text = items[0].text
        return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"
    return ngettext("%(num)d new thing needs you", "%(num)d new things need you", len(items))


def body(
    *,
    name: str,
    intro: str,
    groups: list[Group],
    new_keys: set[str],
    tokens: dict[str, str],
) -> str:
    """The e-mail's text. `new_keys` are marked new; `tokens` are the unsubscribe tokens of
    the kinds in the e-mail ({kind: token})."""
    lines = [_("Hello %(name)s,", name=name), "", intro, ""]
    for group in groups:
        lines.append(group.partnership.name)
        lines.append("=" * min(len(group.partnership.name), 60))
        for item in group.items[:MAIL_SHOWN]:
            words = [item.text]
            if item.overdue:
                words.insert(0, _("Overdue:"))
            if item.key in new_keys:
                words.insert(0, _("New:"))
            lines.append("- " + " ".join(words))
            lines.append("  " + absolute(item.url))
        more = len(group.items) - MAIL_SHOWN
        if more > 0:
            link = public_url("notifications.needs_me", p=group.partnership.id)
            lines.append(
                ngettext(
                    "…and %(num)d more: %(link)s",
                    "…and %(num)d more: %(link)s",
                    more,
                    link=link,
                )
            )
        lines.append("")
    labels = kinds()
    lines.append(_("To stop the e-mails about one kind of thing, follow its link:"))
    for kind, token in tokens.items():
        label = labels[kind].label if kind in labels else kind
        lines.append(f"- {label}: {unsubscribe_link(token)}")
    lines.append("")
    lines.append(
        _(
            "Choose what you are told, and whether by a daily digest or at once: %(link)s",
            link=public_url("notifications.settings"),
        )
    )
    everything = public_url("notifications.needs_me")
    lines.append(_("Everything that needs you: %(link)s", link=everything))
    return "\n".join(lines)


def digest_intro() -> str:
    return _("This is what waits for you across your partnerships today.")


def immediate_intro() -> str:
    return _("This has just come up for you:")
