"""Error pages in the user's language, and JSON errors for the API."""

from __future__ import annotations

import time

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.extensions import db, limiter


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _titles() -> dict[int, str]:
    return {
        400: _("Ugyldig forespørsel"),
        401: _("Ikke innlogget"),
        403: _("Ingen tilgang"),
        404: _("Fant ikke siden"),
        405: _("Metoden er ikke tillatt"),
        409: _("Konflikt"),
        412: _("Endret av noen andre"),
        413: _("For stor forespørsel"),
        415: _("Feil innholdstype"),
        422: _("Ugyldige verdier"),
        428: _("Mangler If-Match"),
        429: _("For mange forsøk"),
        500: _("Noe gikk galt"),
    }


def _messages() -> dict[int, str]:
    return {
        400: _("Forespørselen kunne ikke behandles. Gå tilbake og prøv igjen."),
        401: _("Du må logge inn."),
        403: _("Du har ikke tilgang til denne siden."),
        404: _("Siden finnes ikke, eller du har ikke tilgang til den."),
        405: _("Denne handlingen kan ikke gjøres på denne måten."),
        409: _("Handlingen passer ikke med tilstanden objektet har nå."),
        412: _("Objektet er endret siden du hentet det. Hent det på nytt og prøv igjen."),
        413: _("Det du sendte er for stort."),
        415: _("Send innholdet som application/json."),
        422: _("Noen av verdiene er ugyldige."),
        428: _("Send ETag-en du hentet, i en If-Match-header."),
        429: _("Du har prøvd for mange ganger. Vent litt og prøv igjen."),
        500: _("Det oppstod en feil hos oss. Prøv igjen om litt."),
    }


def title_for(code: int) -> str:
    return _titles().get(code, _titles()[500 if code >= 500 else 400])


def message_for(code: int) -> str:
    return _messages().get(code, _messages()[500 if code >= 500 else 400])


def _is_api_v1() -> bool:
    return request.path.startswith("/api/v1/")


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code, _messages()[500])
    title = _titles().get(code, _titles()[500])
    if _wants_json():
        return jsonify(error={"code": code, "title": title, "message": message}), code
    return render_template("error.html", code=code, title=title, message=message), code


def _audit_refusal(status: int) -> None:
    """A logged-in user refused an object route (one with an id in its URL) is audited."""
    from flask_login import current_user

    from webapp.services import audit

    args = request.view_args or {}
    if not current_user.is_authenticated or not any(name.endswith("_id") for name in args):
        return
    try:
        audit.record_refusal(current_user._get_current_object(), status, request.endpoint, args)
    except SQLAlchemyError:  # the refusal is still answered when the database is not there
        db.session.rollback()


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, _("Skjemaet var utløpt eller ugyldig. Last inn siden på nytt og prøv igjen.")
        )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error):
        page, code = render_error(429)
        current = limiter.current_limit
        wait = int(current.reset_at - time.time()) if current else 60
        return page, code, {"Retry-After": str(max(1, wait))}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _is_api_v1():  # RFC 9457 problems; API calls (refusals too) are audited with their token
            from webapp.api.v1.problems import from_http_exception

            return from_http_exception(error)
        if error.code in (403, 404):
            _audit_refusal(error.code)
        return render_error(error.code or 500)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        if _is_api_v1():
            from webapp.api.v1.problems import problem

            return problem(500)
        return render_error(500)
