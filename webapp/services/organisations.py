"""The municipality's decisions about organisations: approve, reject, deactivate, reactivate.

Approving or rejecting a self-registered employer tells its users in the app and by e-mail.
Deactivating an organisation ends its users' sessions (their login cookies stop working at once)
and takes its open slots out of the matching; reactivating puts them back.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Organisation, Slot, SlotStatus, User, utcnow
from webapp.services import audit, notifications
from webapp.services.accounts import is_system_admin
from webapp.services.errors import DomainError, NotAllowed

REASON_MAX = 1000


def _require_system_admin(actor: User | None) -> None:
    if not is_system_admin(actor):
        raise NotAllowed(_("Bare administratorer kan ta denne avgjørelsen."))


def _members(organisation: Organisation) -> list[User]:
    return db.session.scalars(
        select(User)
        .where(User.organisation_id == organisation.id, User.active.is_(True))
        .order_by(User.id)
    ).all()


def approve(actor: User | None, organisation: Organisation) -> None:
    """Approve a waiting (or earlier rejected) organisation; its users are told."""
    _require_system_admin(actor)
    if organisation.approved_at is not None:
        raise DomainError(_("Organisasjonen er allerede godkjent."))
    organisation.approved_at = utcnow()
    organisation.rejected_at = None
    organisation.rejection_reason = ""
    audit.record(actor, "organisation.approved", organisation)
    notifications.notify(
        _members(organisation),
        "organisation_approved",
        link=notifications.link("main.index"),
        name=organisation.name,
    )
    db.session.commit()
    _slots_changed(organisation)


def reject(actor: User | None, organisation: Organisation, reason: str) -> None:
    """Refuse a self-registration with a reason the employer's users read."""
    _require_system_admin(actor)
    reason = (reason or "").strip()[:REASON_MAX]
    if not reason:
        raise DomainError(_("Skriv hvorfor registreringen avvises."), "reason")
    if organisation.approved_at is not None:
        raise DomainError(_("Organisasjonen er allerede godkjent."))
    if organisation.rejected_at is not None:
        raise DomainError(_("Organisasjonen er allerede avvist."))
    organisation.rejected_at = utcnow()
    organisation.rejection_reason = reason
    # The reason is the admin's free text: the audit event keeps only that there was one.
    audit.record(actor, "organisation.rejected", organisation)
    notifications.notify(
        _members(organisation),
        "organisation_rejected",
        link=notifications.link("main.index"),
        name=organisation.name,
        reason=reason,
    )
    db.session.commit()


def set_active(actor: User | None, organisation: Organisation, active: bool) -> None:
    """Deactivate (users locked out, slots out of the matching) or reactivate an organisation."""
    _require_system_admin(actor)
    if actor is not None and organisation.id == actor.organisation_id and not active:
        raise DomainError(_("Du kan ikke deaktivere din egen organisasjon."))
    if organisation.active == active:
        raise DomainError(
            _("Organisasjonen er allerede aktiv.")
            if active
            else _("Organisasjonen er allerede deaktivert.")
        )
    organisation.active = active
    for user in db.session.scalars(select(User).where(User.organisation_id == organisation.id)):
        user.rotate_session_token()  # sessions end now, not when they expire
    audit.record(
        actor, "organisation.reactivated" if active else "organisation.deactivated", organisation
    )
    db.session.commit()
    _slots_changed(organisation)


def _slots_changed(organisation: Organisation) -> None:
    """Bring the open slots' suggestions in line (they leave or rejoin the matching)."""
    from webapp.services import matchmaking

    slots = db.session.scalars(
        select(Slot)
        .where(Slot.organisation_id == organisation.id, Slot.status == SlotStatus.OPEN)
        .order_by(Slot.id)
    ).all()
    for slot in slots:
        matchmaking.refresh_after_save(slot=slot)
