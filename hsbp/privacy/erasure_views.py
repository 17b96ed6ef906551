"""Privacy pages: erasure."""

from hsbp.privacy.views import bp  # noqa: F401
