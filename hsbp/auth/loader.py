"""How Flask-Login finds the signed-in user from the session or remember-me cookie."""

from hsbp import db
from hsbp.auth import sessions
from hsbp.auth.models import User
from hsbp.extensions import login_manager


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    # Only an open server-side session counts: a cookie kept after signing out, or issued
    # before a password change or "sign out everywhere", is refused (hsbp.auth.sessions).
    return sessions.user_for_cookie(db.session(), cookie_id)
