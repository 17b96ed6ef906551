"""How Flask-Login finds the signed-in user from the session cookie."""

from hsbp import db
from hsbp.auth.models import User
from hsbp.extensions import login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    raw_id, _sep, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session().get(User, int(raw_id))
    # A changed password replaces the token, so cookies issued before it stop working.
    if user is None or not token or user.session_token != token:
        return None
    return user
