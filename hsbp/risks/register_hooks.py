"""What the register part of risks plugs into the app: how its audit entries read."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this part's audit sentences (at import of register_activity)."""
    import hsbp.risks.register_activity  # noqa: F401  (registers on import)
