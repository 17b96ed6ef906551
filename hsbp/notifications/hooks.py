"""The notifications' own wiring: tasks, and the items of existing features (issue 16, item 7).

Wired in create_app."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this part's listeners, providers and template globals with `app`."""
