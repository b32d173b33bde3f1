"""What the agreement tells people: "your turn to sign", voided signatures, approval, and the
reminder of an agreement still not approved three days before the start."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Agreement,
    AgreementStatus,
    Party,
    Placement,
    PlacementStatus,
    User,
    utcnow,
)
from webapp.services import audit, notifications, pseudonyms

REMIND_DAYS_BEFORE_START = 3


def texts() -> dict[str, tuple[str, str]]:
    """Notification texts (see ``notifications._texts``), in the current locale."""
    return {
        "agreement_employer_turn": (
            _("Avtalen for «%(slot)s» venter på dere"),
            _("Fyll ut og signer avtalen for Kandidat %(number)s i «%(slot)s»."),
        ),
        "agreement_candidate_turn": (
            _("Kandidaten skal bekrefte avtalen"),
            _(
                "Arbeidsgiveren har signert avtalen for %(candidate)s i «%(slot)s». "
                "Innhent kandidatens bekreftelse."
            ),
        ),
        "agreement_caseworker_turn": (
            _("Avtalen venter på godkjenning"),
            _(
                "Kandidaten %(candidate)s har bekreftet avtalen i «%(slot)s». "
                "Godkjenn den til slutt."
            ),
        ),
        "agreement_approved": (
            _("Avtalen er godkjent"),
            _(
                "Avtalen for Kandidat %(number)s i «%(slot)s» er godkjent. "
                "Praksisplassen kan starte."
            ),
        ),
        "agreement_voided": (
            _("Avtalen er endret og må signeres på nytt"),
            _("Avtalen for «%(slot)s» ble endret. Alle signaturer er ugyldige og må gis på nytt."),
        ),
        "agreement_unsigned": (
            _("Avtalen er ikke ferdig signert"),
            _("Avtalen for «%(slot)s» er ikke godkjent, og praksisplassen starter %(start)s."),
        ),
    }


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Agreements not yet approved three days before the start: remind whoever's turn it is."""
    from webapp.services.agreement_signing import next_party
    from webapp.services.agreements import needs_agreement

    today = today or date.today()
    rows = db.session.scalars(
        select(Agreement)
        .join(Placement, Placement.id == Agreement.placement_id)
        .where(
            Placement.status == PlacementStatus.PLANNED,
            Placement.start_date == today + timedelta(days=REMIND_DAYS_BEFORE_START),
            Agreement.status != AgreementStatus.APPROVED,
        )
        .order_by(Agreement.id)
    ).all()
    reminded = 0
    for agreement in rows:
        placement = agreement.placement
        if not needs_agreement(placement.slot.kind):
            continue
        start = placement.start_date.isoformat()
        if next_party(agreement) == Party.EMPLOYER:
            notify_employer(placement, "agreement_unsigned", start=start)
        else:
            notify_caseworkers(placement, "agreement_unsigned", start=start)
        agreement.reminded_at = utcnow()
        audit.record(None, "agreement.reminded", agreement)
        reminded += 1
    db.session.commit()
    return {"agreements_unsigned": reminded}


# --- telling people ---------------------------------------------------------------------------


def _page(placement: Placement) -> str:
    return notifications.link("agreements.detail", placement_id=placement.id)


def notify_employer(placement: Placement, kind: str, exclude: User | None = None, **params):
    # The employer knows the candidate only by the proposal's pseudonym (DESIGN.md §5).
    users = [u for u in notifications.employer_users(placement.slot) if u != exclude]
    notifications.notify(
        users,
        kind,
        link=_page(placement),
        number=pseudonyms.of_placement(placement),
        slot=placement.slot.title,
        **params,
    )


def notify_caseworkers(placement: Placement, kind: str, exclude: User | None = None, **params):
    users = [u for u in notifications.caseworker_users(placement.candidate) if u != exclude]
    notifications.notify(
        users,
        kind,
        link=_page(placement),
        candidate=placement.candidate.reference_code,
        slot=placement.slot.title,
        **params,
    )
