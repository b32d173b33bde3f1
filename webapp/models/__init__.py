"""All models, imported here so Alembic and the app see one complete metadata."""

# The full-text search indexes ride on the candidate and slot tables' DDL events.
from webapp.models import search_index  # noqa: E402, F401, I001
from webapp.models.allocation import AllocationRound
from webapp.models.api_token import ApiToken
from webapp.models.audit import AuditEvent
from webapp.models.base import utcnow
from webapp.models.candidate import Candidate, CandidateStatus
from webapp.models.matching import (
    OCCUPYING_STATUSES,
    MatchChange,
    ModelArtifact,
    Placement,
    PlacementOutcome,
    PlacementStatus,
    RefitRun,
    Suggestion,
    SuggestionStatus,
)
from webapp.models.notification import Notification, OutgoingMail
from webapp.models.organisation import (
    ROLE_OF_KIND,
    Organisation,
    OrganisationKind,
    Role,
    Site,
    User,
)
from webapp.models.school import (
    CooperationKind,
    NeedStatus,
    Partnership,
    PartnershipMessage,
    PartnershipStatus,
    SchoolNeed,
    SchoolProfile,
)
from webapp.models.slot import Slot, SlotStatus
from webapp.models.webhook import WebhookDelivery, WebhookEndpoint
from webapp.models.taxonomy import (
    Adaptation,
    LanguageLevel,
    Occupation,
    PostalPlace,
    ProgramArea,
    Skill,
    SlotKind,
)

__all__ = [
    "WebhookDelivery",
    "WebhookEndpoint",
    "OCCUPYING_STATUSES",
    "ROLE_OF_KIND",
    "Adaptation",
    "AllocationRound",
    "ApiToken",
    "AuditEvent",
    "Candidate",
    "CooperationKind",
    "CandidateStatus",
    "LanguageLevel",
    "MatchChange",
    "ModelArtifact",
    "NeedStatus",
    "Notification",
    "Occupation",
    "Organisation",
    "OrganisationKind",
    "OutgoingMail",
    "Partnership",
    "PartnershipMessage",
    "PartnershipStatus",
    "Placement",
    "RefitRun",
    "PlacementOutcome",
    "PlacementStatus",
    "PostalPlace",
    "ProgramArea",
    "Role",
    "SchoolNeed",
    "SchoolProfile",
    "Site",
    "Skill",
    "Slot",
    "SlotKind",
    "SlotStatus",
    "Suggestion",
    "SuggestionStatus",
    "User",
    "utcnow",
]
