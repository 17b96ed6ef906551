"""What the screening part of risks plugs into the app: the checklist's start check, the box
on an action's page, the note that puts an action under way without its screening on the
dashboard, the export's columns, the print view's section, and the audit sentences."""

from flask import Flask

from hsbp.actions import extras, start_checks
from hsbp.risks import screening, screening_activity, screening_views  # noqa: F401


def init_app(app: Flask) -> None:
    """Register this part's handlers, providers and audit sentences."""
    start_checks.add_start_check(app, screening.start_check)
    extras.add_section(
        app, template="risks/_screening_box.html", context=screening_views.action_section
    )
    extras.add_notes(app, screening.notes)
    extras.add_columns(app, screening.columns)
    app.add_template_global(screening_views.print_section, "action_screenings")
