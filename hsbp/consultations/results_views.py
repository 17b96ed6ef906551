"""Routes of the consultations blueprint (see views.py)."""

from hsbp.consultations.views import bp  # noqa: F401
