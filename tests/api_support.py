"""Helpers for the API tests: a token per role, and calls with it."""

from __future__ import annotations

from factories import make_user

from webapp.models import OrganisationKind
from webapp.services import api_tokens

KIND_OF_ROLE = {
    "employer": OrganisationKind.EMPLOYER,
    "caseworker": OrganisationKind.NAV_OFFICE,
    "school": OrganisationKind.SCHOOL,
    "admin": OrganisationKind.MUNICIPALITY,
}


def token_for(user, *, write: bool = True, days: int = 30) -> str:
    scopes = ["read", "write"] if write else ["read"]
    _token, raw = api_tokens.create(user, name="Testsystem", scopes=scopes, days=days)
    return raw


def user_with_token(role: str, organisation=None, **kwargs):
    user = make_user(organisation, kind=KIND_OF_ROLE[role], password=None)
    return user, token_for(user, **kwargs)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
