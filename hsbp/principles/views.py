"""Charter pages: the charter in force, drafts, endorsements, version comparison, print."""

from flask import Blueprint

bp = Blueprint("principles", __name__)
