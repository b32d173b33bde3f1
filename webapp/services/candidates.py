"""Candidates: registration, changes and status, for caseworkers.

What is typed about a candidate, and the rules on it, live in :mod:`candidate_fields`; consent
in :mod:`consent`; lists and search in :mod:`candidate_search`.

Candidates are the sensitive side of Arbeidsbro (DESIGN.md §5): a caseworker sees only the
candidates of their own organisation, and every view and change writes an audit event. Each
public function that changes something is one transaction: it commits on success and rolls back
on a :class:`DomainError`, so a refused action never leaves half a record behind.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Candidate, CandidateStatus, Role, User, utcnow
from webapp.services import audit, matchmaking
from webapp.services.candidate_fields import (
    CONSENT_SCOPE_MAX,
    CandidateFields,
    check_text,
    check_values,
)
from webapp.services.errors import DomainError, NotAllowed


def status_labels() -> dict[str, str]:
    return {
        CandidateStatus.ACTIVE: _("Aktiv"),
        CandidateStatus.PAUSED: _("Pause"),
        CandidateStatus.ARCHIVED: _("Arkivert"),
    }


# --- permissions -----------------------------------------------------------------------------


def may_see(actor: User | None, candidate: Candidate) -> bool:
    """Only caseworkers of the organisation that registered the candidate."""
    return (
        actor is not None
        and actor.role == Role.CASEWORKER
        and candidate.organisation_id == actor.organisation_id
    )


def require_may_see(actor: User, candidate: Candidate) -> None:
    if not may_see(actor, candidate):
        raise NotAllowed(_("Du har ikke tilgang til denne kandidaten."))


def _require_caseworker(actor: User) -> None:
    if actor is None or actor.role != Role.CASEWORKER:
        raise NotAllowed(_("Bare veiledere kan registrere kandidater."))


def get(actor: User, candidate_id: int) -> Candidate | None:
    """The candidate if the actor may see it, else None (the view answers 404 either way)."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or not may_see(actor, candidate):
        return None
    return candidate


def _comparable(value):
    if isinstance(value, list):
        return [getattr(item, "code", item) for item in value]
    return getattr(value, "id", value)


def _commit_or_duplicate() -> None:
    """Commit; a reference code taken by a concurrent request becomes a field message."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _("Referansekoden er allerede brukt i organisasjonen din."), "reference_code"
        ) from error


# --- changes ---------------------------------------------------------------------------------


def create(
    actor: User, fields: CandidateFields, *, consent: bool = False, consent_scope: str = ""
) -> Candidate:
    """Register a candidate in the actor's organisation, with consent only when it was given."""
    _require_caseworker(actor)
    try:
        values = check_values(actor, fields, None)
        scope = check_text(consent_scope, CONSENT_SCOPE_MAX, "consent_scope")
        if consent and not scope:
            raise DomainError(_("Beskriv hva kandidaten har samtykket til."), "consent_scope")
        if scope and not consent:
            raise DomainError(
                _("Kryss av for samtykke, eller la omfanget stå tomt."), "consent_scope"
            )
    except DomainError:
        db.session.rollback()
        raise
    candidate = Candidate(
        organisation_id=actor.organisation_id,
        status=CandidateStatus.ACTIVE,
        **values,
    )
    if consent:
        candidate.consent_at = utcnow()
        candidate.consent_scope = scope
    db.session.add(candidate)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _("Referansekoden er allerede brukt i organisasjonen din."), "reference_code"
        ) from error
    audit.record(actor, "candidate.created", candidate)
    if consent:
        audit.record(actor, "candidate.consent_given", candidate, scope=scope)
    _commit_or_duplicate()
    matchmaking.refresh_after_save(candidate=candidate)
    return candidate


def update(actor: User, candidate: Candidate, fields: CandidateFields) -> Candidate:
    """Change what is known about a candidate; the audit event names the fields, not values."""
    try:
        require_may_see(actor, candidate)
        if candidate.status == CandidateStatus.ARCHIVED:
            raise DomainError(_("En arkivert kandidat kan ikke endres. Aktiver kandidaten først."))
        values = check_values(actor, fields, candidate)
    except DomainError:
        db.session.rollback()
        raise
    changed = []
    for name, value in values.items():
        if _comparable(getattr(candidate, name)) != _comparable(value):
            changed.append(name)
            setattr(candidate, name, value)
    if changed:
        audit.record(actor, "candidate.updated", candidate, fields=sorted(changed))
    _commit_or_duplicate()
    if changed:
        matchmaking.refresh_after_save(candidate=candidate)
    return candidate


# State changes: action → (states it may start from, state it leads to, audit action).
TRANSITIONS = {
    "pause": ({CandidateStatus.ACTIVE}, CandidateStatus.PAUSED, "candidate.paused"),
    "reactivate": (
        {CandidateStatus.PAUSED, CandidateStatus.ARCHIVED},
        CandidateStatus.ACTIVE,
        "candidate.reactivated",
    ),
    "archive": (
        {CandidateStatus.ACTIVE, CandidateStatus.PAUSED},
        CandidateStatus.ARCHIVED,
        "candidate.archived",
    ),
}


def allowed_actions(candidate: Candidate) -> list[str]:
    if candidate.anonymised_at is not None:
        return []
    return [name for name, (sources, _to, _a) in TRANSITIONS.items() if candidate.status in sources]


def change_status(actor: User, candidate: Candidate, action: str) -> Candidate:
    """Pause, reactivate or archive; an action the current state does not allow is refused."""
    try:
        require_may_see(actor, candidate)
        if action not in TRANSITIONS:
            raise DomainError(_("Ukjent handling."))
        sources, target, audit_action = TRANSITIONS[action]
        if action not in allowed_actions(candidate):
            raise DomainError(
                _(
                    "«%(action)s» går ikke når kandidaten har status «%(state)s».",
                    action=action_labels()[action],
                    state=status_labels()[candidate.status],
                )
            )
    except DomainError:
        db.session.rollback()
        raise
    previous = candidate.status
    candidate.status = target
    candidate.archived_at = utcnow() if target == CandidateStatus.ARCHIVED else None
    audit.record(actor, audit_action, candidate, **{"from": previous, "to": target})
    db.session.commit()
    matchmaking.refresh_after_save(candidate=candidate)
    return candidate


def action_labels() -> dict[str, str]:
    return {
        "pause": _("Sett på pause"),
        "reactivate": _("Aktiver"),
        "archive": _("Arkiver"),
    }


def pause(actor: User, candidate: Candidate) -> Candidate:
    return change_status(actor, candidate, "pause")


def reactivate(actor: User, candidate: Candidate) -> Candidate:
    return change_status(actor, candidate, "reactivate")


def archive(actor: User, candidate: Candidate) -> Candidate:
    return change_status(actor, candidate, "archive")


def record_view(actor: User, candidate: Candidate, page: str = "detail") -> None:
    """Every look at a candidate's page is written to the audit log (DESIGN.md §5)."""
    require_may_see(actor, candidate)
    audit.record(actor, "candidate.viewed", candidate, page=page)
    db.session.commit()


# --- reading ---------------------------------------------------------------------------------


def caseworkers_of(actor: User, current: Candidate | None = None) -> list[User]:
    """The colleagues a candidate can be assigned to (and the one assigned now, if inactive)."""
    users = db.session.scalars(
        select(User)
        .where(User.organisation_id == actor.organisation_id, User.active.is_(True))
        .order_by(User.name)
    ).all()
    users = list(users)
    if current is not None and current.caseworker is not None and current.caseworker not in users:
        users.append(current.caseworker)
    return users


def check_fields(
    actor: User, fields: CandidateFields, candidate: Candidate | None = None, *, codes_in_use=None
) -> dict:
    """Every rule the form's save applies, without saving: for imports' row-by-row checks."""
    _require_caseworker(actor)
    return check_values(actor, fields, candidate, codes_in_use)


# Consent has a module of its own; the names stay here for the views and tests that use them.
from webapp.services.consent import give_consent, withdraw_consent  # noqa: E402, F401
