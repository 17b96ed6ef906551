"""The community voice's blueprint; its pages are added by route modules (feedback, assemblies,
votes, checks), each listed in hsbp.ROUTE_MODULES."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("community", __name__)
