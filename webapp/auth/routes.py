"""Login, logout, invites, employer self-registration, password change and language."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from webapp.auth import throttle
from webapp.auth.forms import (
    AcceptInviteForm,
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    RegisterEmployerForm,
)
from webapp.extensions import csrf, limiter
from webapp.services import accounts
from webapp.services.errors import DomainError
from webapp.ui.errors import render_error
from webapp.ui.navigation import home_endpoint
from webapp.ui.views import safe_next_url, show_domain_error

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/logg-inn", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@csrf.exempt  # checked below, after the rate limit, so attempts count whatever their token
def login():
    if request.method == "POST":
        csrf.protect()
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        verdict = throttle.check(form.email.data, address)
        if verdict.refused:
            accounts.login_refused(form.email.data, address, verdict.retry_after)
            page, code = render_error(429)
            return page, code, {"Retry-After": str(verdict.retry_after)}
        user = accounts.authenticate(form.email.data, form.password.data, address=address)
        if user is not None:
            throttle.succeeded(form.email.data, address)
            session.clear()
            login_user(user)
            session["locale"] = user.locale
            return redirect(safe_next_url(home_endpoint(user.role)))
        throttle.failed(form.email.data, address)
        form.password.errors.append(_("Feil e-post eller passord."))
    return render_template("auth/login.html", form=form)


@bp.route("/logg-ut", methods=["POST"])
@login_required
def logout():
    accounts.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Du er logget ut."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitasjon/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    check = accounts.check_invite(token)
    if check.user is None:
        return render_template("auth/invite_invalid.html", problem=check.problem), 410
    form = AcceptInviteForm(email=check.user.email)
    if form.validate_on_submit():
        try:
            user = accounts.accept_invite(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            session.clear()
            login_user(user)
            flash(_("Velkommen! Passordet ditt er lagret."), "success")
            return redirect(url_for(home_endpoint(user.role)))
    return render_template("auth/accept_invite.html", form=form, invited=check.user)


@bp.route("/registrer", methods=["GET", "POST"])
def register():
    form = RegisterEmployerForm()
    if form.validate_on_submit():
        try:
            accounts.register_employer(
                company_name=form.company_name.data,
                org_number=form.org_number.data,
                municipality=form.municipality.data,
                contact_name=form.contact_name.data,
                email=form.email.data,
                password=form.password.data,
                phone=form.phone.data or "",
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _("Takk! Virksomheten er registrert og venter på godkjenning. Du kan logge inn."),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/konto/passord", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(email=user.email)
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # Every other session has ended with the token; keep this one.
            login_user(user)
            flash(_("Passordet er endret. Andre økter er logget ut."), "success")
            return redirect(url_for("main.profile"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/sprak", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            accounts.set_locale(current_user._get_current_object(), form.language.data)
    return redirect(safe_next_url("main.index"))
