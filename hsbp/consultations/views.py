"""The consultations blueprint: preparing a consultation, its questions and its outcome."""

from flask import Blueprint

bp = Blueprint("consultations", __name__)
