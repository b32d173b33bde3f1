"""Notifications in the app and by e-mail, written in each reader's own language."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from webapp.extensions import db
from webapp.models import Candidate, Notification, OutgoingMail, Role, Slot, User, utcnow

log = logging.getLogger("arbeidsbro.mail")


def _texts() -> dict[str, tuple[str, str]]:
    """kind → (subject, body) in the current locale; bodies use the notification's params."""
    from webapp.services.agreement_notices import texts as agreement_texts  # it imports us
    from webapp.services.schools.partnerships import texts as school_texts  # it imports us

    return {
        "proposal_new": (
            _("Nytt forslag til «%(slot)s»"),
            _("En veileder foreslår en kandidat til «%(slot)s». Svar innen %(due)s."),
        ),
        "deadline_near": (
            _("Svarfristen nærmer seg for «%(slot)s»"),
            _("Et forslag til «%(slot)s» venter på svar. Fristen er %(due)s."),
        ),
        "proposal_withdrawn": (
            _("Forslag trukket tilbake"),
            _("Veilederen har trukket tilbake et forslag til «%(slot)s»."),
        ),
        "proposal_accepted": (
            _("Arbeidsgiveren takket ja"),
            _("Kandidat %(candidate)s fikk ja til «%(slot)s». En praksisplass er planlagt."),
        ),
        "proposal_declined": (
            _("Arbeidsgiveren takket nei"),
            _("Kandidat %(candidate)s fikk nei til «%(slot)s»."),
        ),
        "proposal_expired": (
            _("Forslaget gikk ut uten svar"),
            _("Arbeidsgiveren svarte ikke i tide på forslaget om %(candidate)s til «%(slot)s»."),
        ),
        "placement_starting": (
            _("Praksisplass starter snart"),
            _("Praksisplassen for %(candidate)s i «%(slot)s» starter %(start)s."),
        ),
        "placement_starting_employer": (
            _("Praksisplass starter snart"),
            _("Praksisplassen for Kandidat %(number)s i «%(slot)s» starter %(start)s."),
        ),
        "followup_due": (
            _("Tid for oppfølging"),
            _("Praksisplassen for %(candidate)s i «%(slot)s» skal følges opp %(date)s."),
        ),
        "organisation_approved": (
            _("%(name)s er godkjent"),
            _(
                "Kommunen har godkjent %(name)s i Arbeidsbro. Plassene dere legger ut, blir nå "
                "synlige for veiledere."
            ),
        ),
        "organisation_rejected": (
            _("Registreringen av %(name)s er avvist"),
            _(
                "Kommunen har avvist registreringen av %(name)s i Arbeidsbro. Begrunnelse: "
                "%(reason)s"
            ),
        ),
        **school_texts(),
        **agreement_texts(),
    }


def link(endpoint: str, **values) -> str:
    """A path for a notification, also from commands and jobs that have no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def render(kind: str, params: dict) -> tuple[str, str]:
    subject, body = _texts().get(kind, (kind, ""))
    try:
        return subject % params, body % params
    except (KeyError, TypeError, ValueError):
        return subject, body


# Parameters that name a candidate: caseworkers only. Employers see the pseudonym (DESIGN §5).
CASEWORKER_ONLY_PARAMS = frozenset({"candidate", "reference_code", "display_name", "notes"})


class PrivacyError(RuntimeError):
    """A notification would tell an employer who a candidate is."""


def notify(users, kind: str, *, link: str = "", **params) -> list[Notification]:
    """Add a notification for each user and send each an e-mail (the caller commits).

    Refuses to name a candidate (reference code, display name, notes) to anyone who is not a
    caseworker: a programming error, so it fails loudly instead of leaking.
    """
    recipients = list({u.id: u for u in users}.values())
    named = CASEWORKER_ONLY_PARAMS & set(params)
    if named and any(user.role != Role.CASEWORKER for user in recipients):
        raise PrivacyError(f"{kind}: {sorted(named)} must not reach a non-caseworker")
    created = []
    for user in recipients:
        notification = Notification(user_id=user.id, kind=kind, params=params, link=link)
        db.session.add(notification)
        with force_locale(user.locale or "nb"):
            subject, body = render(kind, params)
        base = current_app.config.get("BASE_URL") or ""
        send_mail(user.email, subject, f"{body}\n\n{base}{link}\n\n– Arbeidsbro")
        notification.emailed_at = utcnow()
        created.append(notification)
    return created


def send_mail(to: str, subject: str, body: str, *, secret_link: str = "") -> OutgoingMail:
    """Send through SMTP when configured; always keep a copy (the demo lists and logs mail).

    A ``secret_link`` (an invite or a password reset: whoever holds it takes over the account)
    ends the message that goes out, but never the copy kept in the database, which admins can
    read. Without SMTP (the demo) the whole message goes to the server log only.
    """
    config = current_app.config
    kept = body
    if secret_link:
        body = f"{body}\n\n{secret_link}"
        withheld = _("[Engangslenken er sendt til mottakeren og lagres ikke her.]")
        kept = f"{kept}\n\n{withheld}"
    record = OutgoingMail(to=to, subject=subject[:300], body=kept[:5000])
    db.session.add(record)
    if not config.get("MAIL_SERVER"):
        log.info("mail to %s: %s\n%s", to, subject, body)
        return record
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        record.delivered = True
    except (OSError, smtplib.SMTPException):
        # The notification in the app still reaches the user; the failure is logged to retry.
        log.exception("could not send mail to %s", to)
    return record


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()


def for_user(user: User):
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


# --- who is told ------------------------------------------------------------------------------


def employer_users(slot: Slot) -> list[User]:
    return db.session.scalars(
        select(User).where(User.organisation_id == slot.organisation_id, User.active.is_(True))
    ).all()


def caseworker_users(candidate: Candidate) -> list[User]:
    """The responsible caseworker, or everyone in the organisation when none is named."""
    if candidate.caseworker is not None and candidate.caseworker.active:
        return [candidate.caseworker]
    return db.session.scalars(
        select(User).where(User.organisation_id == candidate.organisation_id, User.active.is_(True))
    ).all()
