"""Placeholder, replaced by the feature's pages."""

from __future__ import annotations

from flask import render_template

from hsbp.partnerships.guard import partnership_guard
from hsbp.risks.views import bp
from hsbp.security import Role


@bp.get("/p/<int:partnership_id>/key-moments")
@partnership_guard(Role.OBSERVER)
def key_moments(partnership_id: int):
    return render_template("risks/placeholder.html")
