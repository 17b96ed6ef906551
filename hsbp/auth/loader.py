"""How Flask-Login finds the signed-in user from the session or remember-me cookie, and what
it tells a visitor it sends to the sign-in page."""

from flask_babel import lazy_gettext as _l

from hsbp import db
from hsbp.auth import sessions
from hsbp.auth.models import User
from hsbp.extensions import login_manager

# In the reader's language: Flask-Login flashes str() of it while the request runs.
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.localize_callback = str


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    # Only an open server-side session counts: a cookie kept after signing out, or issued
    # before a password change or "sign out everywhere", is refused (hsbp.auth.sessions).
    return sessions.user_for_cookie(db.session(), cookie_id)
