"""Small factories for test data. Each commits, so the web app sees what a test made."""

from __future__ import annotations

import itertools

from webapp.extensions import db
from webapp.models import Organisation, OrganisationKind, User, utcnow
from webapp.services.passwords import hash_password

PASSWORD = "riktig-hest-batteri-stift"
_numbers = itertools.count(1)


def make_organisation(
    kind: str = OrganisationKind.EMPLOYER, *, approved: bool = True, **values
) -> Organisation:
    n = next(_numbers)
    organisation = Organisation(
        kind=kind,
        name=values.pop("name", f"Organisasjon {n}"),
        municipality="Lørenskog",
        approved_at=utcnow() if approved else None,
        **values,
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_user(
    organisation: Organisation | None = None,
    *,
    kind: str = OrganisationKind.EMPLOYER,
    password: str | None = PASSWORD,
    is_admin: bool = False,
    **values,
) -> User:
    organisation = organisation or make_organisation(kind)
    n = next(_numbers)
    user = User(
        organisation=organisation,
        email=values.pop("email", f"bruker{n}@example.no"),
        name=values.pop("name", f"Bruker {n}"),
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
        **values,
    )
    db.session.add(user)
    db.session.commit()
    return user
