"""The second factor: who must have one, setting it up, checking a code (from the app or a
recovery code), new recovery codes and removing it.

Auth knows no feature: a feature that makes someone need a second factor (facilitators,
grievance officers) adds a rule to `REQUIREMENT_RULES` from its own module, registered in
create_app(), as features register SMS handlers with sms.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hsbp import audit, audit_text
from hsbp.audit_text import says
from hsbp.auth import recovery_codes, sessions, totp
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.security import verify_password

# (session, user) -> True when something about `user` asks for a second factor.
RequirementRule = Callable[[Session, User], bool]
REQUIREMENT_RULES: list[RequirementRule] = []

# What `check_code` took.
APP, RECOVERY = "app", "recovery"

audit.ACTION_LABELS.update(
    {
        "user.two_factor_enable": _l("Second factor set up"),
        "user.two_factor_disable": _l("Second factor removed"),
        "user.recovery_codes_new": _l("New recovery codes made"),
        "user.recovery_code_used": _l("Signed in with a recovery code"),
        "user.session_end": _l("Signed out on one device"),
    }
)
audit_text.SENTENCES.update(
    {
        "user.two_factor_enable": says(_l("%(actor)s set up a second factor for signing in.")),
        "user.two_factor_disable": says(_l("%(actor)s removed their second factor.")),
        "user.recovery_codes_new": says(
            _l("%(actor)s made a new set of recovery codes; the earlier ones no longer work.")
        ),
        "user.recovery_code_used": says(
            _l("%(actor)s signed in with a recovery code; %(left)s are left.")
        ),
        "user.session_end": says(_l("%(actor)s signed out one of their devices.")),
    }
)


def add_requirement_rule(rule: RequirementRule) -> None:
    """Make `rule` one of the reasons someone needs a second factor (once, however many
    apps are built)."""
    if rule not in REQUIREMENT_RULES:
        REQUIREMENT_RULES.append(rule)


def enforced() -> bool:
    """Whether this site makes those who need a second factor set one up (the demo does
    not, so a visitor can try it without an authenticator app)."""
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED", True))


def is_enrolled(user: User) -> bool:
    """Signing in asks `user` for a code. A secret not yet confirmed is an enrolment in
    progress, and asks for nothing."""
    return bool(user.totp_secret) and user.totp_confirmed_at is not None


def is_required(session: Session, user: User) -> bool:
    """Whether `user` is one who must have a second factor: a site administrator, or whoever
    a registered rule names (a facilitator, a grievance officer...), whatever the setting."""
    return user.is_site_admin or any(rule(session, user) for rule in REQUIREMENT_RULES)


def must_have(session: Session, user: User) -> bool:
    """Whether `user` may use the site only with a second factor, here and now."""
    return enforced() and is_required(session, user)


# Setting it up ----------------------------------------------------------------------------


def pending_secret(session: Session, *, user: User) -> str:
    """The secret of `user`'s enrolment in progress, made on the first call and the same on
    the next (a reloaded page shows the same QR code).

    Side effect: stores a new secret (encrypted) when there is none.
    """
    if is_enrolled(user):
        raise ServiceError(_l("Your second factor is already set up."))
    if not user.totp_secret:
        user.totp_secret = totp.new_secret()
        user.totp_confirmed_at = user.totp_last_step = None
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return totp.provisioning_uri(user.totp_secret, account=user.email)


def confirm(session: Session, *, user: User, code: str) -> list[str]:
    """Finish `user`'s enrolment with a code from their app; returns the recovery codes, to
    show this once. This browser counts as having passed the second factor.

    Side effects: totp_confirmed_at and totp_last_step set, a set of recovery codes, the
    current session marked, an audit entry. ServiceError for a wrong or replayed code.
    """
    if is_enrolled(user) or not user.totp_secret:
        raise ServiceError(_l("Your second factor is already set up."))
    _take_app_code(session, user=user, code=_digits(code))
    user.totp_confirmed_at = utcnow()
    codes = recovery_codes.make_set(session, user=user)
    sessions.mark_proved(session, user=user, second_factor=True)
    audit.record(session, actor_id=user.id, action="user.two_factor_enable", obj=user)
    return codes


# Checking a code --------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join((code or "").split())


def _take_app_code(session: Session, *, user: User, code: str) -> int:
    """Accept a code from the app once: its time step must be later than the last one taken,
    so a code seen over someone's shoulder (or sent twice) does not sign anyone in.

    Side effect: totp_last_step moves to the code's step.
    """
    if not (len(code) == totp.DIGITS and code.isascii() and code.isdigit()):
        raise ServiceError(_l("Type the 6 digits your app shows."), field="code")
    step = totp.matching_step(user.totp_secret, code)
    if step is None:
        raise ServiceError(_l("This code is not correct."), field="code")
    # One UPDATE that only moves forward: of two requests racing with one code, one wins.
    taken = session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise ServiceError(_l("This code was already used; wait for the next one."), field="code")
    set_committed_value(user, "totp_last_step", step)
    return step


def check_code(session: Session, *, user: User, code: str) -> tuple[str, int | None]:
    """Check `code` as `user`'s second factor: six digits from the app, or a recovery code.
    Returns (APP or RECOVERY, recovery codes left; None for the app).

    Side effects: totp_last_step, or the recovery code spent with an audit entry.
    ServiceError (field "code") for a wrong, replayed or spent code.
    """
    if not is_enrolled(user):
        raise ServiceError(_l("This code is not correct."), field="code")
    typed = _digits(code)
    # Six digits are the app's; anything else is tried as a recovery code (one of those may
    # be all digits too, but never six characters long).
    if len(typed) == totp.DIGITS and typed.isascii() and typed.isdigit():
        _take_app_code(session, user=user, code=typed)
        return APP, None
    row = recovery_codes.find(session, user=user, code=typed)
    if row is None:
        raise ServiceError(_l("This code is not correct."), field="code")
    if row.used_at is not None or not recovery_codes.use(session, row):
        raise ServiceError(_l("This recovery code was already used."), field="code")
    left = recovery_codes.left(session, user=user)
    audit.record(
        session,
        actor_id=user.id,
        action="user.recovery_code_used",
        obj=user,
        details={"left": left},
    )
    return RECOVERY, left


# Recovery codes and removal ---------------------------------------------------------------


def new_recovery_codes(session: Session, *, user: User) -> list[str]:
    """A new set of recovery codes for `user`, shown once; the earlier set stops working.

    Side effects: the recovery codes replaced, an audit entry.
    """
    if not is_enrolled(user):
        raise ServiceError(_l("Set up the second factor first."))
    codes = recovery_codes.make_set(session, user=user)
    audit.record(session, actor_id=user.id, action="user.recovery_codes_new", obj=user)
    return codes


def codes_left(session: Session, *, user: User) -> int:
    return recovery_codes.left(session, user=user)


def clear(session: Session, *, user: User) -> None:
    """Forget `user`'s second factor: secret, last step and recovery codes (an enrolment in
    progress too). No audit entry: the caller records why (the person, or an administrator
    resetting a lost one).

    Side effects: the user's second-factor columns emptied, the recovery codes deleted.
    """
    user.totp_secret = None
    user.totp_confirmed_at = user.totp_last_step = None
    recovery_codes.clear(session, user=user)


def remove(session: Session, *, user: User) -> None:
    """`user` removes their own second factor, which only one who need not have it may do.

    Side effects: as `clear`, and an audit entry.
    """
    if must_have(session, user):
        raise ServiceError(_l("Your role asks for a second factor: it cannot be removed."))
    if not is_enrolled(user):
        raise ServiceError(_l("You have no second factor to remove."))
    clear(session, user=user)
    audit.record(session, actor_id=user.id, action="user.two_factor_disable", obj=user)


def reauthenticate(session: Session, *, user: User, password: str, code: str | None) -> None:
    """`user` proves it is them again on this browser: the password, and a code when they
    have a second factor. A password-only browser of theirs passes the second factor here.

    Side effects: as `check_code`; the current session's reauthenticated_at (and
    second_factor_at). ServiceError naming the field ("password" or "code") that failed.
    """
    if not verify_password(user.password_hash, password):
        raise ServiceError(_l("The password is not correct."), field="password")
    enrolled = is_enrolled(user)
    if enrolled:
        check_code(session, user=user, code=code or "")
    sessions.mark_proved(session, user=user, second_factor=enrolled)
