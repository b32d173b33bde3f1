"""Accounts: login, invites, self-registration of employers, approval, password changes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Organisation, OrganisationKind, User, utcnow
from webapp.services import audit
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.orgnumber import is_valid_org_number, normalise_org_number
from webapp.services.passwords import hash_password, password_problem, verify_password

INVITE_SALT = "arbeidsbro-invite"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, *, address: str = "") -> User | None:
    """The user for these credentials, or None: one answer for every kind of failure.

    A failure is audited with the address and the e-mail typed, never the password.
    """
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        _audit_failed_login(user, email, address, "wrong_password")
        return None
    if not user.is_active:
        _audit_failed_login(user, email, address, "inactive")
        return None
    user.last_login_at = utcnow()
    audit.record(user, "user.login", user)
    db.session.commit()
    return user


def _audit_failed_login(user: User | None, email: str, address: str, why: str) -> None:
    audit.record(
        None,
        "user.login_failed",
        user,
        object_type=None if user else "user",
        email=normalise_email(email)[:254],
        address=address,
        reason=why,
    )
    db.session.commit()


def login_refused(email: str, address: str, retry_after: int) -> None:
    """An address that kept failing on a locked account was turned away (audited)."""
    user = find_user_by_email(email)
    audit.record(
        None,
        "user.login_throttled",
        user,
        object_type=None if user else "user",
        email=normalise_email(email)[:254],
        address=address,
        retry_after=retry_after,
    )
    db.session.commit()


def logout(user: User) -> None:
    """End every session of this user: old cookies stop working."""
    user.rotate_session_token()
    audit.record(user, "user.logout", user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_("Nåværende passord er feil."), field="current_password")
    _check_password(new, user.email, field="new_password")
    user.password_hash = hash_password(new)
    user.rotate_session_token()
    audit.record(user, "user.password_changed", user)
    db.session.commit()


def set_active(admin: User, user: User, active: bool) -> None:
    _require_may_manage(admin, user.organisation)
    if user.id == admin.id and not active:
        raise DomainError(_("Du kan ikke deaktivere din egen konto."))
    user.active = active
    user.rotate_session_token()
    audit.record(admin, "user.activated" if active else "user.deactivated", user)
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Ukjent språk."))
    user.locale = locale
    db.session.commit()


# --- invites ---------------------------------------------------------------------------------


def _invite_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def invite_token(user: User) -> str:
    # The token names the session token of the moment: choosing a password rotates it, so a used
    # link is refused afterwards without any extra table.
    return _invite_serializer().dumps({"user": user.id, "token": user.session_token})


def is_system_admin(actor: User | None) -> bool:
    """The municipality's administrators, or the command line (``actor`` None)."""
    return actor is None or actor.organisation.kind == OrganisationKind.MUNICIPALITY


def may_manage(actor: User | None, organisation: Organisation) -> bool:
    """Admins manage every organisation; an organisation admin manages their own."""
    if is_system_admin(actor):
        return True
    return actor.is_admin and actor.organisation_id == organisation.id


def _require_may_manage(actor: User | None, organisation: Organisation) -> None:
    if not may_manage(actor, organisation):
        raise NotAllowed(_("Du har ikke tilgang til denne organisasjonen."))


def invite_user(
    actor: User | None, organisation: Organisation, *, email: str, name: str, is_admin: bool = False
) -> tuple[User, str]:
    """Create a user without a password and return it with the one-time link token."""
    _require_may_manage(actor, organisation)
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_("Det finnes allerede en bruker med denne e-postadressen."), "email")
    user = User(
        organisation=organisation,
        email=email,
        name=name.strip(),
        is_admin=is_admin,
        invited_by_id=actor.id if actor else None,
        locale=actor.locale if actor else "nb",
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.invited", user, organisation=organisation.id)
    token = invite_token(user)
    _mail_invite(user, token)
    db.session.commit()
    return user, token


def _mail_invite(user: User, token: str) -> None:
    from flask_babel import force_locale

    from webapp.services import notifications

    link = (current_app.config["BASE_URL"] or "") + notifications.link(
        "auth.accept_invite", token=token
    )
    hours = current_app.config["INVITE_MAX_AGE_HOURS"]
    with force_locale(user.locale or "nb"):
        notifications.send_mail(
            user.email,
            _("Invitasjon til Arbeidsbro"),
            _(
                "Hei %(name)s! Du er invitert til Arbeidsbro for %(org)s. Velg passord her "
                "(lenken virker én gang, i %(hours)d timer):",
                name=user.name,
                org=user.organisation.name,
                hours=hours,
            ),
            secret_link=link,
        )


@dataclass(frozen=True)
class InviteCheck:
    user: User | None
    problem: str | None


def check_invite(token: str) -> InviteCheck:
    """Which user a link invites, or why it cannot be used."""
    max_age = current_app.config["INVITE_MAX_AGE_HOURS"] * 3600
    try:
        data = _invite_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return InviteCheck(None, _("Invitasjonen har gått ut. Be om en ny."))
    except BadSignature:
        return InviteCheck(None, _("Invitasjonslenken er ugyldig."))
    user = db.session.get(User, data.get("user"))
    if user is None or not user.is_active:
        return InviteCheck(None, _("Invitasjonslenken er ugyldig."))
    if user.password_hash is not None or user.session_token != data.get("token"):
        return InviteCheck(None, _("Invitasjonen er allerede brukt. Logg inn i stedet."))
    return InviteCheck(user, None)


def accept_invite(token: str, password: str) -> User:
    check = check_invite(token)
    if check.user is None:
        raise DomainError(check.problem)
    user = check.user
    _check_password(password, user.email, field="password")
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    audit.record(user, "user.invite_accepted", user)
    db.session.commit()
    return user


# --- organisations ---------------------------------------------------------------------------


def register_employer(
    *,
    company_name: str,
    org_number: str,
    municipality: str,
    contact_name: str,
    email: str,
    password: str,
    phone: str = "",
) -> User:
    """Self-registration of a company: the organisation waits for an admin's approval."""
    number = normalise_org_number(org_number)
    if not is_valid_org_number(number):
        raise DomainError(_("Organisasjonsnummeret er ikke gyldig."), "org_number")
    existing = db.session.scalar(select(Organisation).where(Organisation.org_number == number))
    if existing is not None:
        raise DomainError(
            _("Organisasjonsnummeret er allerede registrert. Kontakt en administrator."),
            "org_number",
        )
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_("Det finnes allerede en bruker med denne e-postadressen."), "email")
    _check_password(password, email, field="password")
    organisation = Organisation(
        kind=OrganisationKind.EMPLOYER,
        name=company_name.strip(),
        org_number=number,
        municipality=municipality.strip(),
        contact_name=contact_name.strip(),
        contact_email=email,
        contact_phone=phone.strip(),
    )
    user = User(
        organisation=organisation,
        email=email,
        name=contact_name.strip(),
        password_hash=hash_password(password),
        is_admin=True,
    )
    db.session.add_all([organisation, user])
    db.session.flush()
    audit.record(user, "organisation.registered", organisation)
    db.session.commit()
    return user


def create_organisation(actor: User | None, **fields) -> Organisation:
    if not is_system_admin(actor):
        raise NotAllowed(_("Bare administratorer kan opprette organisasjoner."))
    number = normalise_org_number(fields.pop("org_number", "") or "")
    if number:
        if not is_valid_org_number(number):
            raise DomainError(_("Organisasjonsnummeret er ikke gyldig."), "org_number")
        taken = db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.org_number == number)
        )
        if taken:
            raise DomainError(_("Organisasjonsnummeret er allerede registrert."), "org_number")
    organisation = Organisation(org_number=number or None, approved_at=utcnow(), **fields)
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.created", organisation)
    db.session.commit()
    return organisation


def _check_password(password: str, email: str, *, field: str) -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise DomainError(str(problem), field)
