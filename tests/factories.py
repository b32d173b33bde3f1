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


# --- candidates, sites and slots (caseworker half of issue 3) ---------------------------------


def make_candidate(organisation: Organisation | None = None, **values):
    """A candidate of ``organisation`` (a new NAV office by default); codes name taxonomy rows."""
    from webapp.models import Adaptation, Candidate, Occupation, Skill, SlotKind

    organisation = organisation or make_organisation(OrganisationKind.NAV_OFFICE)
    n = next(_numbers)
    related = {
        "kinds": (SlotKind, values.pop("kinds", ["work_training"])),
        "skills": (Skill, values.pop("skills", [])),
        "occupations": (Occupation, values.pop("occupations", [])),
        "adaptation_needs": (Adaptation, values.pop("adaptation_needs", [])),
    }
    consent = values.pop("consent", False)
    candidate = Candidate(
        organisation=organisation,
        reference_code=values.pop("reference_code", f"K-{n:04d}"),
        display_name=values.pop("display_name", f"Kandidat {n}"),
        **values,
    )
    for name, (model, codes) in related.items():
        setattr(candidate, name, [db.session.get(model, code) for code in codes])
    if consent:
        candidate.consent_at = utcnow()
        candidate.consent_scope = "Deling av profil med arbeidsgivere"
    db.session.add(candidate)
    db.session.commit()
    return candidate


def make_site(organisation: Organisation | None = None, *, postal_code: str = "1470", **values):
    """A workplace with the coordinates of its postal place."""
    from webapp.models import PostalPlace, Site

    organisation = organisation or make_organisation(OrganisationKind.EMPLOYER)
    place = db.session.get(PostalPlace, postal_code) if postal_code else None
    site = Site(
        organisation=organisation,
        name=values.pop("name", f"Arbeidssted {next(_numbers)}"),
        address=values.pop("address", "Storgata 1"),
        postal_code=postal_code,
        latitude=values.pop("latitude", place.latitude if place else None),
        longitude=values.pop("longitude", place.longitude if place else None),
        **values,
    )
    db.session.add(site)
    db.session.commit()
    return site


def make_slot(
    organisation: Organisation | None = None,
    *,
    site=None,
    status: str = "open",
    skills=(),
    adaptations=(),
    **values,
):
    """A slot (open by default) at ``site`` (a new site in 1470 Lørenskog by default)."""
    from webapp.models import Adaptation, Skill, Slot

    organisation = organisation or (site.organisation if site else make_organisation())
    if site is None and "site_id" not in values:
        site = make_site(organisation)
    slot = Slot(
        organisation=organisation,
        site=site,
        kind=values.pop("kind", "work_training"),
        title=values.pop("title", f"Plass {next(_numbers)}"),
        status=status,
        capacity=values.pop("capacity", 1),
        skills=[db.session.get(Skill, code) for code in skills],
        adaptations=[db.session.get(Adaptation, code) for code in adaptations],
        **values,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def approve_agreement(placement, employer, caseworker):
    """Take a placement's agreement through every signature (employer, candidate, caseworker):
    for tests of what comes after; the signing itself is tested in test_agreements.py."""
    from datetime import date, timedelta

    from webapp.services import agreement_signing, agreements

    agreement = agreements.get_or_create(placement, caseworker)
    start = agreement.start_date or placement.slot.start_date or date.today()
    agreements.save_section(
        employer,
        agreement,
        "employer",
        {
            "workplace": agreement.workplace or "Lageret",
            "start_date": start,
            "end_date": agreement.end_date or start + timedelta(days=90),
            "hours_per_week": agreement.hours_per_week or 30,
            "tasks": agreement.tasks or "Plukk og pakk.",
            "goals": "Lære lagerarbeid.",
            "mentor_name": "Kari Mentor",
        },
    )
    agreements.save_section(
        caseworker,
        agreement,
        "caseworker",
        {
            "programme_terms": "Arbeidstrening i tre måneder.",
            "follow_up_plan": "Samtale etter to uker.",
            "benefit": "AAP dekker perioden.",
            "summary": "Du skal jobbe på lageret tre måneder.",
            "language": "nb",
        },
    )
    agreement_signing.sign(employer, agreement, "employer")
    agreement_signing.record_confirmation(caseworker, agreement, "phone", date.today())
    agreement_signing.sign(caseworker, agreement, "caseworker")
    return agreement
