"""A candidate's consent: given with what it covers, withdrawn with the proposals it carried.

Withdrawing takes back the proposals waiting at employers in the same step; either change
re-ranks the candidate at once (DESIGN.md §5).
"""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.extensions import db
from webapp.models import Candidate, CandidateStatus, User, utcnow
from webapp.services import audit, candidate_fields, candidates, matchmaking
from webapp.services import proposals as proposal_service
from webapp.services.errors import DomainError


def withdraw_consent(actor: User, candidate: Candidate) -> int:
    """Withdraw consent now: proposals waiting at employers are withdrawn in the same step.

    Returns how many proposals were withdrawn.
    """
    try:
        candidates.require_may_see(actor, candidate)
        if not candidate.has_consent:
            raise DomainError(_("Kandidaten har ikke gitt samtykke som kan trekkes."))
    except DomainError:
        db.session.rollback()
        raise
    candidate.consent_withdrawn_at = utcnow()
    # Proposals waiting at employers are withdrawn in the same step, and the employers told.
    withdrawn = proposal_service.withdraw_pending_for(actor, candidate)
    audit.record(actor, "candidate.consent_withdrawn", candidate, proposals=withdrawn)
    db.session.commit()
    matchmaking.refresh_after_save(candidate=candidate)
    return withdrawn


def give_consent(actor: User, candidate: Candidate, scope: str) -> Candidate:
    """Record consent (again), with what it covers."""
    try:
        candidates.require_may_see(actor, candidate)
        if candidate.status == CandidateStatus.ARCHIVED:
            raise DomainError(_("En arkivert kandidat kan ikke gi samtykke. Aktiver først."))
        if candidate.has_consent:
            raise DomainError(_("Kandidaten har allerede gitt samtykke."))
        scope = candidate_fields.check_text(
            scope, candidate_fields.CONSENT_SCOPE_MAX, "consent_scope"
        )
        if not scope:
            raise DomainError(_("Beskriv hva kandidaten har samtykket til."), "consent_scope")
    except DomainError:
        db.session.rollback()
        raise
    candidate.consent_at = utcnow()
    candidate.consent_scope = scope
    audit.record(actor, "candidate.consent_given", candidate, scope=scope)
    db.session.commit()
    matchmaking.refresh_after_save(candidate=candidate)
    return candidate
