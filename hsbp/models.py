"""Imports every feature's models, so the metadata (and Alembic) sees every table."""

from hsbp.audit import AuditEntry
from hsbp.auth.models import User
from hsbp.db import Base
from hsbp.mail import OutboundEmail
from hsbp.partnerships.models import Invitation, Membership, Partner, Partnership

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "Invitation",
    "Membership",
    "OutboundEmail",
    "Partner",
    "Partnership",
    "User",
    "metadata",
]
