"""Community members ask the partnership by SMS: INFO, ACTIONS [place] and MORE, CHARTER and
RESULTS, each a keyword of the SMS channel (registered in create_app) in every shipped
language, which a partnership may switch off on its SMS settings page (MORE goes with
ACTIONS). Only a contact who confirmed the partnership is answered; anyone else is told to
send JOIN and their code. INFO, CHARTER, RESULTS and MORE count only as the whole message:
"carta para el alcalde..." is a message for the inbox.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from hsbp.community.ask import commitments, summaries
from hsbp.community.ask.common import ACTIONS, CHARTER, HINTS, INFO, KEYWORDS, MORE, RESULTS
from hsbp.sms.handlers import registry
from hsbp.sms.texts import all_words

# What the SMS settings page calls each keyword a partnership may switch off.
LABELS = {
    INFO: _l("The partnership, who facilitates it and how to reach them"),
    ACTIONS: _l("The commitments for the person's place, three at a time"),
    CHARTER: _l("A summary of the charter in force"),
    RESULTS: _l("The results of the latest consultation"),
}
HANDLERS = {
    INFO: summaries.info,
    ACTIONS: commitments.actions,
    CHARTER: summaries.charter,
    RESULTS: summaries.results,
}


def init_app(app: Flask) -> None:
    """Register the keywords with the SMS channel, in the order HELP lists them."""
    handlers = registry(app)
    for name, handler in HANDLERS.items():
        handlers.keyword(
            name,
            all_words(KEYWORDS[name]),
            handler,
            catalog_words=KEYWORDS[name],
            hint=HINTS[name],
            switchable=True,
            label=LABELS[name],
        )
    handlers.keyword(MORE, all_words(KEYWORDS[MORE]), commitments.more, follows=ACTIONS)
