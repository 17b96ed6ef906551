"""The privacy pages."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
