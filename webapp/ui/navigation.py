"""The navigation each role sees, built once per request for the shared layout."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.models import Role

# (endpoint, label) per role; the first entry is the role's home page.
NAVIGATION = {
    Role.EMPLOYER: [
        ("employer.home", _l("Oversikt")),
        ("employer.slots", _l("Plasser")),
        ("employer.inbox", _l("Forslag")),
        ("employer.placements", _l("Praksis")),
        ("employer.school_requests", _l("Skoler")),
        ("employer.sites", _l("Arbeidssteder")),
        ("employer.profile", _l("Virksomheten")),
    ],
    Role.CASEWORKER: [
        ("caseworker.home", _l("Oversikt")),
        ("caseworker.candidates", _l("Kandidater")),
        ("caseworker.browse_slots", _l("Ledige plasser")),
        ("caseworker.placements", _l("Praksis")),
        ("allocation.rounds", _l("Fordeling")),
    ],
    Role.SCHOOL: [
        ("school.home", _l("Oversikt")),
        ("school.needs_list", _l("Behov")),
        ("school.partnerships", _l("Samarbeid")),
        ("school.unmet", _l("Udekket behov")),
    ],
    Role.ADMIN: [
        ("admin.home", _l("Oversikt")),
        ("admin.organisations", _l("Organisasjoner")),
        ("admin.users", _l("Brukere")),
        ("admin.audit_log", _l("Logg")),
        ("admin.outgoing_mail", _l("E-post")),
        ("admin.unmet_demand", _l("Skolebehov")),
        ("allocation.rounds", _l("Fordeling")),
        ("admin.model_card", _l("Modellkort")),
    ],
}


def home_endpoint(role: Role) -> str:
    return NAVIGATION[role][0][0]


def inject_navigation() -> dict:
    from webapp.auth.forms import LanguageForm
    from webapp.ui.forms import ConfirmForm

    common = {
        "current_endpoint": request.endpoint,
        "current_locale": str(get_locale() or "nb"),
        "language_form": LanguageForm(formdata=None, language=str(get_locale() or "nb")),
        "logout_form": ConfirmForm(formdata=None),
    }
    if not current_user.is_authenticated:
        return {"navigation": [], **common}
    from webapp.services.notifications import unread_count

    common["unread_notifications"] = unread_count(current_user)
    items = list(NAVIGATION[current_user.role])
    if current_user.is_admin and current_user.role != Role.ADMIN:
        items.append(("main.colleagues", _l("Kolleger")))
    return {"navigation": items, **common}
