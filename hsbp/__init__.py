"""hsbp: run Human Security Business Partnerships on the web and by SMS."""

from __future__ import annotations

import importlib
import os
import time

from flask import Flask, render_template
from flask_babel import format_date, format_decimal
from werkzeug.middleware.proxy_fix import ProxyFix

from hsbp.paths import resource_dir

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides the HSBP_* environment (tests, the demo).

    Migrations never run here: upgrading the schema is an explicit `hsbp db upgrade`.
    """
    from hsbp import db, extensions, i18n, logs, security, static_files
    from hsbp.accounts import hooks as accounts_hooks
    from hsbp.actions import needs as action_needs
    from hsbp.actions import setup_step as action_setup
    from hsbp.auth import two_factor_hooks
    from hsbp.community import ask as community_ask
    from hsbp.community import check_hooks as community_checks
    from hsbp.community import feedback_hooks as community_feedback
    from hsbp.community import talks as community_talks
    from hsbp.community import vote_hooks as community_votes
    from hsbp.config import load_settings
    from hsbp.consent import hooks as consent_hooks
    from hsbp.consultations import attention as consultation_attention
    from hsbp.consultations import conversation as consultation_sms
    from hsbp.consultations import invitations as consultation_invitations
    from hsbp.consultations import needs as consultation_needs
    from hsbp.consultations import services as consultation_services
    from hsbp.consultations import validation_hooks as outcome_validation
    from hsbp.governance import entry_hooks as partner_entry
    from hsbp.governance import hooks as governance_sequence
    from hsbp.grievances import attention as grievance_attention
    from hsbp.grievances import needs as grievance_needs
    from hsbp.grievances import officers as grievance_officers
    from hsbp.grievances import sms as grievance_sms
    from hsbp.grievances import two_factor_rule as grievance_two_factor
    from hsbp.mapping import setup_step as mapping_setup
    from hsbp.monitoring import charter_indicator_hooks as charter_indicators
    from hsbp.monitoring import needs as monitoring_needs
    from hsbp.monitoring import polls, pulses, sms_pulses, sms_turns
    from hsbp.monitoring import review_vote_hooks as review_votes
    from hsbp.monitoring import setup_step as monitoring_setup
    from hsbp.monitoring.from_consultation import record_from_consultation
    from hsbp.notifications import hooks as notification_hooks
    from hsbp.ops import health as ops_health
    from hsbp.partnerships import two_factor_rule as partnership_two_factor
    from hsbp.principles import attention as principle_attention
    from hsbp.principles import needs as principle_needs
    from hsbp.principles import suggestion_hooks as charter_suggestions
    from hsbp.privacy import hooks as privacy_hooks
    from hsbp.retention import hooks as retention_hooks
    from hsbp.risks import hooks as risk_hooks
    from hsbp.sms import attention as sms_attention
    from hsbp.sms import handlers as sms_handlers
    from hsbp.sms.intake import InboundIntake
    from hsbp.views import HsbpRequest, IdConverter

    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        instance_path=os.environ.get("HSBP_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    # Before any route is added: every <int:...> in a URL is then bounded (hsbp.views).
    app.url_map.converters["int"] = IdConverter
    app.request_class = HsbpRequest
    app.config.update(load_settings(app.instance_path, config))
    logs.init_app(app)  # first: what follows may log
    if app.config.get("TRUST_PROXY") or os.environ.get("HSBP_TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    extensions.init_app(app)
    sms_handlers.init_app(app)
    consultation_sms.init_app(app)
    consultation_invitations.init_app(app)
    # Before the grievances: a bare number from a contact asked a pulse or poll question is
    # its answer, not the rating of a grievance's outcome; a later number that could only
    # correct a poll answer comes after them.
    sms_handlers.registry(app).conversation("pulse", sms_pulses.handle_message)
    sms_handlers.registry(app).conversation("poll", polls.handle_message)
    # A vote's or a check's answer next to a phone is shown on no page: confidential.
    sms_handlers.registry(app).conversation(
        "community_talk", community_talks.handle_message, confidential=True
    )
    # What community members ask by SMS (INFO, ACTIONS, CHARTER, RESULTS), listed by HELP
    # before the grievance keywords.
    community_ask.init_app(app)
    grievance_sms.init_app(app)
    grievance_officers.init_app(app)  # officer rights end with the member's role
    sms_handlers.registry(app).conversation("poll_correction", polls.handle_correction)
    sms_handlers.registry(app).conversation(
        "community_correction", community_talks.handle_correction, confidential=True
    )
    # Indicators computed from a consultation record their value when it closes.
    consultation_services.on_close(app, record_from_consultation)
    # Those who answered by SMS hear back when it closes and when an action it led to is done.
    community_feedback.init_app(app)
    # Pulse rounds by SMS, and what a contact is asked next once free: a pulse, then a poll.
    pulses.on_round(app, opened=sms_pulses.round_opened, closing=sms_pulses.end_round)
    sms_turns.on_free(app, sms_pulses.start_waiting)
    sms_turns.on_free(app, polls.start_waiting)
    sms_turns.on_free(app, consultation_sms.start_waiting)  # one that waited behind a vote
    # Then a vote or a check; an asked one makes the contact busy for the others too.
    community_talks.init_app(app)
    community_votes.init_app(app)  # the "vote" talks, the charter's community rule
    # Checks of done actions: a talk subject, a checklist listener, its section and notes,
    # and disputed actions on a review's agenda.
    community_checks.init_app(app)
    # Shared governance (issue 16): each part wires its own listeners and providers.
    governance_sequence.init_app(app)
    charter_suggestions.init_app(app)
    charter_indicators.init_app(app)
    outcome_validation.init_app(app)
    review_votes.init_app(app)
    partner_entry.init_app(app)
    notification_hooks.init_app(app)
    # Data protection (issue 19): the second factor, erasure, consent, retention, accounts.
    two_factor_hooks.init_app(app)
    partnership_two_factor.init_app(app)  # facilitators, members of a strict partnership
    grievance_two_factor.init_app(app)  # grievance officers
    privacy_hooks.init_app(app)
    consent_hooks.init_app(app)
    retention_hooks.init_app(app)
    risk_hooks.init_app(app)
    accounts_hooks.init_app(app)
    # What existing features need of a person, listed by "Needs me" and the notifications.
    for needs in (
        principle_needs,
        action_needs,
        grievance_needs,
        consultation_needs,
        monitoring_needs,
    ):
        needs.init_app(app)
    # What needs attention on a partnership's dashboard and menu, and its setup checklist.
    for front in (
        grievance_attention,
        sms_attention,
        consultation_attention,
        principle_attention,
        mapping_setup,
        action_setup,
        monitoring_setup,
    ):
        front.init_app(app)
    for module in TASK_MODULES:
        importlib.import_module(module)
    for module in ACTIVITY_MODULES:
        importlib.import_module(module)
    i18n.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    _register_blueprints(app)
    _register_errors(app)
    _register_template_helpers(app)
    # Outermost: Twilio's inbound webhook is answered before Flask (see hsbp.sms.intake).
    app.wsgi_app = InboundIntake(app, app.wsgi_app)
    # Outermost of all: probes and metrics, then every request's id, log line and latency.
    ops_health.init_app(app)
    return app


# Modules that only declare tasks to the queue: imported here because the worker runs
# create_app() before its consumer starts, and a periodic task must be declared by then.
TASK_MODULES = (
    "hsbp.sms.sweeper",
    "hsbp.consultations.tasks",
    "hsbp.actions.tasks",
    "hsbp.grievances.tasks",
    "hsbp.monitoring.tasks",
    "hsbp.community.tasks",
    "hsbp.notifications.tasks",
    "hsbp.retention.tasks",
    "hsbp.consent.tasks",
    "hsbp.risks.tasks",
)

# Modules that only tell the audit log how their feature's entries read (hsbp.audit_text).
ACTIVITY_MODULES = (
    "hsbp.partnerships.activity_texts",
    "hsbp.actions.activity_texts",
    "hsbp.principles.activity_texts",
    "hsbp.consultations.activity_texts",
    "hsbp.monitoring.activity_texts",
    "hsbp.mapping.activity_texts",
    "hsbp.grievances.activity_texts",
    "hsbp.sms.activity_texts",
    "hsbp.community.activity_texts",
)

# Modules that only add routes to a blueprint defined elsewhere, or register a callback.
ROUTE_MODULES = (
    "hsbp.auth.loader",
    "hsbp.partnerships.member_views",
    "hsbp.mapping.overview_views",
    "hsbp.mapping.exchange_views",
    "hsbp.mapping.review_views",
    "hsbp.sms.admin_views",
    "hsbp.sms.inbox_views",
    "hsbp.sms.contact_views",
    "hsbp.sms.simulator_views",
    "hsbp.sms.local_text_views",
    "hsbp.consultations.question_views",
    "hsbp.consultations.answer_views",
    "hsbp.consultations.results_views",
    "hsbp.actions.evidence_views",
    "hsbp.actions.report_views",
    "hsbp.actions.public_views",
    "hsbp.grievances.intake_views",
    "hsbp.grievances.dashboard_views",
    "hsbp.grievances.officer_views",
    "hsbp.monitoring.pulse_views",
    "hsbp.monitoring.import_views",
    "hsbp.monitoring.poll_views",
    "hsbp.monitoring.report_views",
    "hsbp.monitoring.review_views",
    "hsbp.community.vote_views",
    "hsbp.community.check_views",
    "hsbp.community.feedback_views",
    "hsbp.community.assembly_views",
    "hsbp.partnerships.profile_views",
    "hsbp.partnerships.entry_views",
    "hsbp.principles.suggestion_views",
    "hsbp.principles.section_views",
    "hsbp.monitoring.charter_indicator_views",
    "hsbp.consultations.validation_views",
    "hsbp.monitoring.review_vote_views",
    "hsbp.privacy.erasure_views",
    "hsbp.privacy.export_views",
    "hsbp.risks.context_views",
    "hsbp.risks.moment_views",
    "hsbp.risks.incident_views",
    "hsbp.risks.framework_views",
    "hsbp.risks.connection_views",
    "hsbp.risks.leverage_views",
    "hsbp.risks.screening_views",
    "hsbp.risks.tag_views",
    "hsbp.risks.link_views",
)


def _register_blueprints(app: Flask) -> None:
    from hsbp.accounts.views import bp as accounts_bp
    from hsbp.actions.views import bp as actions_bp
    from hsbp.auth.views import bp as auth_bp
    from hsbp.community.views import bp as community_bp
    from hsbp.consent.views import bp as consent_bp
    from hsbp.consultations.views import bp as consultations_bp
    from hsbp.extensions import login_manager
    from hsbp.governance.views import bp as governance_bp
    from hsbp.grievances.views import bp as grievances_bp
    from hsbp.mapping.views import bp as mapping_bp
    from hsbp.monitoring.views import bp as monitoring_bp
    from hsbp.notifications.views import bp as notifications_bp
    from hsbp.partnerships.views import bp as partnerships_bp
    from hsbp.principles.views import bp as principles_bp
    from hsbp.privacy.views import bp as privacy_bp
    from hsbp.retention.views import bp as retention_bp
    from hsbp.risks.views import bp as risks_bp
    from hsbp.sms.views import bp as sms_bp

    for module in ROUTE_MODULES:
        importlib.import_module(module)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    app.register_blueprint(auth_bp)
    app.register_blueprint(partnerships_bp)
    app.register_blueprint(mapping_bp)
    app.register_blueprint(principles_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(grievances_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(sms_bp)
    app.register_blueprint(community_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(consent_bp)
    app.register_blueprint(risks_bp)


def _register_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def page(code: int):
        def handler(error):
            return render_template("errors/error.html", code=code), code

        return handler

    def too_many(error):
        # The limit's own window, not "a minute": an hourly or daily limit says so.
        from flask_babel import format_timedelta

        from hsbp.extensions import limiter

        current = limiter.current_limit
        wait = None
        if current is not None:
            seconds = max(60, int(current.reset_at - time.time()))
            wait = format_timedelta(seconds, add_direction=False)
        return render_template("errors/error.html", code=429, wait=wait), 429

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, page(code))
    app.register_error_handler(429, too_many)
    app.register_error_handler(CSRFError, page(400))


def _register_template_helpers(app: Flask) -> None:
    from hsbp.audit import action_label
    from hsbp.i18n import format_when
    from hsbp.mapping import labels as mapping_labels
    from hsbp.partnerships.forms import ROLE_LABELS, SECTOR_LABELS, STAGE_LABELS
    from hsbp.partnerships.reference import country_name

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters.update(
        datetime=format_when,
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        number=format_decimal,
    )
    app.jinja_env.globals.update(
        STAGE_LABELS=STAGE_LABELS,
        SECTOR_LABELS=SECTOR_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        country_name=country_name,
        action_label=action_label,
        KIND_LABELS=mapping_labels.KIND_LABELS,
        PARTICIPANT_SECTOR_LABELS=mapping_labels.PARTICIPANT_SECTOR_LABELS,
        RISK_LABELS=mapping_labels.RISK_LABELS,
        STATUS_LABELS=mapping_labels.STATUS_LABELS,
        RELATIONSHIP_LABELS=mapping_labels.RELATIONSHIP_LABELS,
        CONSENT_METHOD_LABELS=mapping_labels.CONSENT_METHOD_LABELS,
    )
