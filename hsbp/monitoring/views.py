"""Monitoring pages: indicators, their values and progress (being written)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitoring", __name__)
