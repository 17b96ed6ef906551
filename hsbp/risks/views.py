"""The risks and impacts register: the list in salience order, a risk, its connections."""

from __future__ import annotations

from flask import Blueprint, render_template

from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role

bp = Blueprint("risks", __name__)


@bp.get("/p/<int:partnership_id>/risks")
@partnership_guard(Role.OBSERVER)
def register(partnership_id: int):
    return render_template("risks/placeholder.html")
