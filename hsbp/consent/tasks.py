"""Consent's periodic work: asking expired consents again, once, by SMS."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.consent import renewal
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue


@app_task()
def ask_expired_consents() -> None:
    """Ask every contact whose consent ended, and was never asked, whether to renew it."""
    renewal.ask_expired(db.session(), now=utcnow())


# Daily, at an hour that is daytime from the Americas to East Africa (10:00 in Bogotá, 16:00
# in Sarajevo, 18:00 in Nairobi): a question about one's consent should not wake anyone. A
# consent is asked at most once (`reasked_at`), so a run finds only what ended since.
@queue.periodic_task(crontab(hour="15", minute="13"), name="consent_renewal_daily")
def consent_renewal_daily() -> None:
    ask_expired_consents.call_local()
