"""Imports every feature's models, so the metadata (and Alembic) sees every table."""

from hsbp.actions.models import (
    Action,
    ActionUpdate,
    ChecklistSettings,
    Contribution,
    Evidence,
    Reminder,
)
from hsbp.audit import AuditEntry
from hsbp.auth.models import RecoveryCode, User, UserSession
from hsbp.community.models import (
    Assembly,
    Ballot,
    Check,
    CheckAnswer,
    Feedback,
    Talk,
    Vote,
)
from hsbp.consultations.models import (
    Answer,
    AnswerChoice,
    Consultation,
    Participation,
    Question,
    Response,
    ResultsCache,
    Theme,
)
from hsbp.db import Base
from hsbp.grievances.models import (
    Grievance,
    GrievanceEvent,
    GrievanceOfficer,
    GrievanceSettings,
)
from hsbp.mail import OutboundEmail
from hsbp.mapping.models import (
    DuplicateReview,
    GroupTag,
    Participant,
    ParticipantImport,
    ParticipantLink,
)
from hsbp.monitoring.models import Indicator, Measurement
from hsbp.monitoring.poll_models import PollReply, SmsPoll
from hsbp.monitoring.pulse_models import (
    PulseComment,
    PulseResponse,
    PulseRound,
    PulseScore,
    PulseTalk,
)
from hsbp.monitoring.review_models import Decision, DecisionAction, Review, ReviewAttendance
from hsbp.partnerships.models import Invitation, Membership, Partner, Partnership
from hsbp.principles.models import CharterVersion, Endorsement
from hsbp.sms.models import (
    Broadcast,
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    LocalText,
    OutboundMessage,
    SmsSettings,
)

metadata = Base.metadata

__all__ = [
    "Action",
    "ActionUpdate",
    "Answer",
    "AnswerChoice",
    "Assembly",
    "AuditEntry",
    "Ballot",
    "Broadcast",
    "CharterVersion",
    "Check",
    "CheckAnswer",
    "ChecklistSettings",
    "ConsentEvent",
    "Consultation",
    "Contact",
    "ContactMembership",
    "Contribution",
    "Decision",
    "DecisionAction",
    "DuplicateReview",
    "Endorsement",
    "Evidence",
    "Feedback",
    "Grievance",
    "GrievanceEvent",
    "GrievanceOfficer",
    "GrievanceSettings",
    "GroupTag",
    "InboundMessage",
    "Indicator",
    "Invitation",
    "LocalText",
    "Measurement",
    "Membership",
    "OutboundEmail",
    "OutboundMessage",
    "Participant",
    "ParticipantImport",
    "ParticipantLink",
    "Participation",
    "Partner",
    "Partnership",
    "PollReply",
    "PulseComment",
    "PulseResponse",
    "PulseRound",
    "PulseScore",
    "PulseTalk",
    "Question",
    "RecoveryCode",
    "Reminder",
    "Response",
    "ResultsCache",
    "Review",
    "ReviewAttendance",
    "SmsPoll",
    "SmsSettings",
    "Talk",
    "Theme",
    "User",
    "UserSession",
    "Vote",
    "metadata",
]

# Shared governance (issue 16): each part's tables.
# Data protection (issue 19).
from hsbp.consent import models as consent_models  # noqa: E402, F401
from hsbp.consultations import validation_models  # noqa: E402, F401
from hsbp.monitoring import charter_indicator_models, review_vote_models  # noqa: E402, F401
from hsbp.notifications import models as notification_models  # noqa: E402, F401
from hsbp.partnerships import entry_models, profile_models  # noqa: E402, F401
from hsbp.principles import suggestion_models  # noqa: E402, F401
from hsbp.privacy import models as privacy_models  # noqa: E402, F401
from hsbp.retention import models as retention_models  # noqa: E402, F401

# Human-rights due diligence (issue 20).
from hsbp.risks import (  # noqa: E402, F401
    context_models,
    framework_models,
    incident_models,
    screening_models,
)
from hsbp.risks import models as risk_models  # noqa: E402, F401
