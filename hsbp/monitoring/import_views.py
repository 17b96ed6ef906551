"""Routes of monitoring (being written)."""

from hsbp.monitoring.views import bp  # noqa: F401
