"""Signing the placement agreement: the employer, then the candidate, the caseworker last.

The candidate has no account. The caseworker either records the candidate's confirmation (in
person or by phone, with the day) or sends a single-use link that expires; only a hash of the
link's token is stored, and the link confirms only the version it was sent for.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import (
    SIGNING_ORDER,
    Agreement,
    AgreementLink,
    AgreementSignature,
    AgreementStatus,
    Party,
    PlacementStatus,
    User,
    utcnow,
)
from webapp.services import audit
from webapp.services.agreement_notices import notify_caseworkers, notify_employer
from webapp.services.agreements import (
    LABELS,
    PARTY_LABELS,
    REQUIRED_BEFORE,
    active_signatures,
    require_side,
    revoke_links,
)
from webapp.services.errors import DomainError

LINK_DAYS = 7
LINK_MAX_DAYS = 30
CONFIRMATION_METHODS = ("in_person", "phone")


class LinkInvalid(DomainError):
    """The candidate's link is unknown, used, expired or replaced."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def next_party(agreement: Agreement) -> Party | None:
    """Whose signature the agreement waits for; None once the caseworker has approved it."""
    signed = {s.party for s in active_signatures(agreement)}
    return next((party for party in SIGNING_ORDER if party not in signed), None)


def signature_of(agreement: Agreement, party: Party) -> AgreementSignature | None:
    return next((s for s in active_signatures(agreement) if s.party == party), None)


def _require_turn(agreement: Agreement, party: Party) -> None:
    if agreement.placement.status not in (PlacementStatus.PLANNED, PlacementStatus.ACTIVE):
        raise DomainError(_("Praksisplassen er avsluttet. Avtalen kan ikke signeres."))
    if signature_of(agreement, party) is not None:
        raise DomainError(
            _(
                "Denne versjonen er allerede signert av %(party)s.",
                party=PARTY_LABELS[party],
            )
        )
    waiting = next_party(agreement)
    if waiting != party:
        raise DomainError(
            _(
                "Det er ikke %(party)s sin tur. Avtalen venter på %(waiting)s.",
                party=PARTY_LABELS[party],
                waiting=PARTY_LABELS[waiting],
            )
        )
    missing = [str(LABELS[name]) for name in REQUIRED_BEFORE[party] if not _filled(agreement, name)]
    if missing:
        raise DomainError(_("Fyll ut før avtalen signeres: %(fields)s.", fields=", ".join(missing)))


def _filled(agreement: Agreement, name: str) -> bool:
    value = getattr(agreement, name)
    return value is not None and value != ""


def _add_signature(agreement: Agreement, party: Party, **values) -> AgreementSignature:
    signature = AgreementSignature(
        agreement=agreement, version=agreement.version, party=str(party), **values
    )
    db.session.add(signature)
    if party == Party.CASEWORKER:
        agreement.status, agreement.approved_at = AgreementStatus.APPROVED, utcnow()
    else:
        agreement.status = AgreementStatus.SIGNING
    return signature


def sign(user: User, agreement: Agreement, party: Party) -> AgreementSignature:
    """The employer's signature, or the caseworker's approval (last)."""
    if party not in (Party.EMPLOYER, Party.CASEWORKER):
        raise DomainError(_("Ukjent handling."))
    require_side(user, agreement, party)
    _require_turn(agreement, party)
    signature = _add_signature(agreement, party, method="account", user_id=user.id)
    action = "agreement.approved" if party == Party.CASEWORKER else "agreement.signed"
    audit.record(user, action, agreement, party=str(party), version=agreement.version)
    placement = agreement.placement
    if party == Party.EMPLOYER:
        notify_caseworkers(placement, "agreement_candidate_turn")
    else:
        notify_employer(placement, "agreement_approved")
    db.session.commit()
    return signature


def record_confirmation(
    user: User, agreement: Agreement, method: str, confirmed_on: date | None, note: str = ""
) -> AgreementSignature:
    """The caseworker writes down that the candidate confirmed in person or by phone."""
    require_side(user, agreement, Party.CASEWORKER)
    if method not in CONFIRMATION_METHODS:
        raise DomainError(_("Velg hvordan kandidaten bekreftet."), "method")
    today = date.today()
    if confirmed_on is None or confirmed_on > today or confirmed_on < today - timedelta(days=90):
        raise DomainError(
            _("Velg dagen kandidaten bekreftet, høyst 90 dager tilbake."), "confirmed_on"
        )
    _require_turn(agreement, Party.CANDIDATE)
    signature = _add_signature(
        agreement,
        Party.CANDIDATE,
        method=method,
        user_id=user.id,
        confirmed_on=confirmed_on,
        note=(note or "").strip()[:500],
    )
    revoke_links(agreement)
    audit.record(
        user,
        "agreement.signed",
        agreement,
        party="candidate",
        method=method,
        confirmed_on=confirmed_on.isoformat(),
        version=agreement.version,
    )
    db.session.commit()
    return signature


def create_link(user: User, agreement: Agreement, days: int = LINK_DAYS) -> str:
    """A new single-use link for the candidate; earlier ones stop working. Returns the token,
    which is shown once to the caseworker and never stored."""
    require_side(user, agreement, Party.CASEWORKER)
    _require_turn(agreement, Party.CANDIDATE)
    days = max(1, min(days, LINK_MAX_DAYS))
    revoke_links(agreement)
    token = secrets.token_urlsafe(32)
    link = AgreementLink(
        agreement_id=agreement.id,
        token_hash=token_hash(token),
        version=agreement.version,
        created_by_id=user.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    audit.record(user, "agreement.link_created", agreement, link=link.id, days=days)
    db.session.commit()
    return token


def open_link(token: str) -> AgreementLink:
    """The link a token names, if it may still be used; :class:`LinkInvalid` says why not."""
    link = db.session.scalar(
        select(AgreementLink).where(AgreementLink.token_hash == token_hash(token or ""))
    )
    if link is None:
        raise LinkInvalid(_("Lenken finnes ikke. Be veilederen din om en ny lenke."))
    if link.used_at is not None:
        raise LinkInvalid(_("Lenken er allerede brukt. Avtalen er bekreftet."))
    if link.revoked_at is not None or link.version != link.agreement.version:
        raise LinkInvalid(
            _("Avtalen er endret etter at lenken ble sendt. Be veilederen din om en ny lenke.")
        )
    if link.expires_at <= utcnow():
        raise LinkInvalid(_("Lenken er utløpt. Be veilederen din om en ny lenke."))
    return link


def confirm_by_link(token: str) -> AgreementSignature:
    """The candidate confirms on the link page: the link is used up, the caseworker is told."""
    link = open_link(token)
    agreement = link.agreement
    _require_turn(agreement, Party.CANDIDATE)
    # Claimed in one statement: of two presses at once, only one confirms.
    claimed = db.session.execute(
        update(AgreementLink)
        .where(AgreementLink.id == link.id, AgreementLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise LinkInvalid(_("Lenken er allerede brukt. Avtalen er bekreftet."))
    signature = _add_signature(agreement, Party.CANDIDATE, method="link")
    audit.record(
        None, "agreement.signed", agreement, party="candidate", method="link", link=link.id
    )
    notify_caseworkers(agreement.placement, "agreement_caseworker_turn")
    db.session.commit()
    return signature
