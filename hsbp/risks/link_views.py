"""Placeholder, replaced by the feature's pages."""

from hsbp.risks.views import bp  # noqa: F401
