"""All models, imported here so Alembic and the app see one complete metadata."""

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
from webapp.models.school import Partnership, PartnershipMessage, PartnershipStatus, SchoolNeed
from webapp.models.slot import Slot, SlotStatus
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
    "OCCUPYING_STATUSES",
    "ROLE_OF_KIND",
    "Adaptation",
    "AuditEvent",
    "Candidate",
    "CandidateStatus",
    "LanguageLevel",
    "MatchChange",
    "ModelArtifact",
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
