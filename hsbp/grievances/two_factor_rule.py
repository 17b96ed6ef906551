"""Grievance officers see who filed a grievance, so they need a second factor
(hsbp.auth.two_factor)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from hsbp.auth import two_factor
from hsbp.auth.models import User
from hsbp.grievances.officers import is_officer_anywhere


def grievance_officer(session: Session, user: User) -> bool:
    """An officer of any partnership, while the membership that carries the rights lasts."""
    return is_officer_anywhere(session, user.id)


def init_app(app: Flask) -> None:
    two_factor.add_requirement_rule(grievance_officer)
