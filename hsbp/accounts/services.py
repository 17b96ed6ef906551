"""What site administrators do to accounts: deactivate, reactivate, reset a lost second factor.

Each change ends the account's sessions where it must, at once, and is written to the audit
log by the account's id: the details hold no e-mail address or name.
"""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy.orm import Session

from hsbp import audit, mail
from hsbp.accounts import queries
from hsbp.auth.models import RecoveryCode, User, new_session_token
from hsbp.auth.sessions import end_other_sessions
from hsbp.db import utcnow
from hsbp.errors import ServiceError

audit.ACTION_LABELS.update(
    {
        "account.deactivate": _l("Account deactivated"),
        "account.reactivate": _l("Account reactivated"),
        "account.second_factor_reset": _l("Second factor reset by a site administrator"),
    }
)

# Why an account was deactivated, as the audit entry keeps it (a code, never free text).
DEACTIVATION_REASONS = {
    "left_role": _l("They left their role or organisation"),
    "own_request": _l("They asked for it"),
    "security": _l("The account may be in someone else's hands"),
    "inactive": _l("The account is no longer used"),
}
REASON_MIN, REASON_MAX = 5, 500
# What the audit log must not hold, caught when typed into a reason by habit.
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_PHONE = re.compile(r"(?:\d[\s().-]*){7,}")


class LastFacilitatorError(ServiceError):
    """Deactivating the account would leave partnerships without an active facilitator;
    `partnerships` lists them as (id, name)."""

    def __init__(self, partnerships: list[tuple[int, str]]):
        super().__init__(
            _l(
                "This account is the only active facilitator of the partnerships below. "
                "Name a new facilitator in each of them first, then deactivate it."
            )
        )
        self.partnerships = partnerships


def _end_every_session(session: Session, user: User) -> None:
    # Ending the sessions refuses their cookies from the next request on; the new token also
    # refuses remember-me cookies and password-reset links issued before.
    end_other_sessions(session, user=user, keep=None)
    user.session_token = new_session_token()


def deactivate(session: Session, *, actor: User, user: User, reason: str = "") -> None:
    """Deactivate `user`: they can no longer sign in, and every browser of theirs is signed
    out on its next request. Refused for oneself, for an account already deactivated, and
    for the last active facilitator of a partnership (LastFacilitatorError).

    Side effects: active and deactivated_at, every session ended, a new session token, an
    audit entry holding the reason's code.
    """
    if user.id == actor.id:
        raise ServiceError(_l("You cannot deactivate your own account."))
    if not user.active:
        raise ServiceError(_l("This account is already deactivated."))
    if reason and reason not in DEACTIVATION_REASONS:
        raise ServiceError(_l("Choose a reason from the list."), field="reason")
    blocking = queries.sole_facilitator_of(session, user_id=user.id)
    if blocking:
        raise LastFacilitatorError(blocking)
    user.active, user.deactivated_at = False, utcnow()
    _end_every_session(session, user)
    audit.record(
        session,
        actor_id=actor.id,
        action="account.deactivate",
        obj=user,
        details={"reason": reason} if reason else {},
    )


def reactivate(session: Session, *, actor: User, user: User) -> None:
    """Let `user` sign in again, with their password and second factor as they were.

    Side effects: active and deactivated_at, an audit entry.
    """
    if user.active:
        raise ServiceError(_l("This account is active already."))
    user.active, user.deactivated_at = True, None
    audit.record(session, actor_id=actor.id, action="account.reactivate", obj=user)


def reset_second_factor(session: Session, *, actor: User, user: User, reason: str) -> None:
    """Remove `user`'s second factor (a lost phone) so they set up a new one at their next
    sign-in. `reason` says why, for the audit log: 5 to 500 characters. Refused for one's own
    account (recovery codes, or another administrator, are for that) and for an account
    with no second factor.

    Side effects: the secret, its confirmation and last step cleared, the recovery codes
    deleted, every session ended, a new session token, an audit entry holding the reason, and
    an e-mail telling the person (after the commit).
    """
    reason = " ".join((reason or "").split())
    if user.id == actor.id:
        raise ServiceError(
            _l(
                "You cannot reset your own second factor. Use a recovery code, or ask another "
                "site administrator."
            )
        )
    if user.totp_confirmed_at is None:
        raise ServiceError(_l("This account has no second factor to reset."))
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ServiceError(
            _l(
                "Say why in %(low)d to %(high)d characters.",
                low=REASON_MIN,
                high=REASON_MAX,
            ),
            field="reason",
        )
    if _EMAIL.search(reason) or _PHONE.search(reason):
        raise ServiceError(
            _l("Write no e-mail address or phone number in the reason: it is kept in the log."),
            field="reason",
        )
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _end_every_session(session, user)
    audit.record(
        session,
        actor_id=actor.id,
        action="account.second_factor_reset",
        obj=user,
        details={"reason": reason},
    )
    with force_locale(user.locale or "en"):
        subject = _("The second factor of your hsbp account was reset")
        body = _(
            "Hello %(name)s,\n\nA site administrator removed the second factor of your hsbp "
            "account, and signed you out everywhere. At your next sign-in you will be asked to "
            "set up an authenticator app again.\n\nIf you did not ask for this, tell your "
            "site administrator at once.",
            name=user.name,
        )
    mail.queue_email(session, to=user.email, subject=subject, body=body)
