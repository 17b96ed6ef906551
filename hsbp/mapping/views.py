"""Mapping pages: the register, a participant, the grid, the network, inclusion, import."""

from flask import Blueprint

bp = Blueprint("mapping", __name__)
