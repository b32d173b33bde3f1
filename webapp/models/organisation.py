"""Organisations, their users and their workplaces (sites)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, utcnow


class OrganisationKind(StrEnum):
    EMPLOYER = "employer"
    NAV_OFFICE = "nav_office"
    REFUGEE_SERVICE = "refugee_service"
    SCHOOL = "school"
    MUNICIPALITY = "municipality"


class Role(StrEnum):
    EMPLOYER = "employer"
    CASEWORKER = "caseworker"
    SCHOOL = "school"
    ADMIN = "admin"


ROLE_OF_KIND = {
    OrganisationKind.EMPLOYER: Role.EMPLOYER,
    OrganisationKind.NAV_OFFICE: Role.CASEWORKER,
    OrganisationKind.REFUGEE_SERVICE: Role.CASEWORKER,
    OrganisationKind.SCHOOL: Role.SCHOOL,
    OrganisationKind.MUNICIPALITY: Role.ADMIN,
}


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    municipality: Mapped[str] = mapped_column(String(100), default="")
    approved_at: Mapped[datetime | None]
    # A refused self-registration keeps its users (they can log in and read why); approving it
    # later clears the refusal.
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # A deactivated organisation's users cannot log in and its slots are not suggested.
    active: Mapped[bool] = mapped_column(default=True)
    open_to_schools: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")

    users: Mapped[list[User]] = relationship(back_populates="organisation")
    sites: Mapped[list[Site]] = relationship(back_populates="organisation")

    @property
    def role(self) -> Role:
        return ROLE_OF_KIND[OrganisationKind(self.kind)]

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @hybrid_property
    def in_service(self) -> bool:
        """Approved and not deactivated: its open slots are shown and suggested."""
        return self.approved_at is not None and self.active

    @in_service.inplace.expression
    @classmethod
    def _in_service_expression(cls):
        return and_(cls.approved_at.is_not(None), cls.active.is_(True))


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until the invite link has been used to choose a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(5), default="nb")
    last_login_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on logout, deactivation and password change; part of the login cookie, so an old
    # cookie stops working at once (plain Flask-Login would accept it: flask-login issue #480).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    @property
    def role(self) -> Role:
        return self.organisation.role

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and self.organisation.active

    @property
    def has_accepted_invite(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()


class Site(TimestampMixin, db.Model):
    """A workplace of an employer; slots are posted at a site."""

    __tablename__ = "site"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str | None] = mapped_column(ForeignKey("postal_place.postal_code"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    organisation: Mapped[Organisation] = relationship(back_populates="sites")
    postal_place = relationship("PostalPlace")


__all__ = ["Organisation", "OrganisationKind", "Role", "ROLE_OF_KIND", "Site", "User", "utcnow"]
