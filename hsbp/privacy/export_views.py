"""Privacy pages: export."""

from hsbp.privacy.views import bp  # noqa: F401
