"""Forgotten password pages: ask for a link, then choose a new password through it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp.auth.forms import ForgotPasswordForm, ResetPasswordForm
from webapp.auth.routes import bp
from webapp.extensions import csrf, limiter
from webapp.services import password_reset
from webapp.services.errors import DomainError
from webapp.ui.views import show_domain_error


def _limit() -> str:
    # The same limiter and limit as the login form: both are ways to guess at an account.
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/glemt-passord", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@csrf.exempt  # checked below, after the rate limit, so attempts count whatever their token
def forgot_password():
    if request.method == "POST":
        csrf.protect()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data)
        # The same answer whether or not the address is registered.
        flash(
            _(
                "Hvis adressen hører til en konto, har vi sendt en lenke for å velge nytt "
                "passord. Lenken virker i én time."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/nytt-passord/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def reset_password(token: str):
    check = password_reset.check_token(token)
    if check.user is None:
        return render_template("auth/reset_invalid.html", problem=check.problem), 410
    form = ResetPasswordForm(email=check.user.email)
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Passordet er endret. Logg inn med det nye passordet."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
