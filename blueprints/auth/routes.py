"""Sign-in, registration, verification, password reset, invitations, own profile."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import auth_session
from app.pages import status_of
from app.security.permissions import Permission, public, requires
from app.security.tokens import TokenError, read_token
from blueprints.auth import forms, services
from blueprints.reference.services import get_division
from models import SUPPORTED_LOCALES, EnterpriseSize

bp = Blueprint("auth", __name__, template_folder="templates")


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow sign-in: no scheme, no host, no protocol-relative //."""
    if not target:
        return None
    target = target.replace("\\", "/").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# What a session signed in with a one-time password may still reach besides the page that
# replaces it: signing out, the language switch, the static files — and the load balancer's
# probe, which must not wait on the database for a user.
_BEFORE_THE_NEW_PASSWORD = frozenset({"auth.logout", "auth.language", "static", "main.healthz"})


@bp.before_app_request
def one_time_password_first():
    """Signed in with a one-time password (account recovery): every page leads to the
    change-password page until a password of their own is set; once the one-time password has
    expired, the session ends."""
    if request.endpoint is None or request.endpoint in _BEFORE_THE_NEW_PASSWORD:
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if services.one_time_password_expired(current_user):
        auth_session.sign_out()
        flash(str(services.ONE_TIME_PASSWORD_EXPIRED), "warning")
        return redirect(url_for("auth.login"))
    if request.endpoint != "auth.change_password":
        return redirect(url_for("auth.change_password"))
    return None


def _attach(form, error: services.AccountError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = forms.LoginForm()
    unverified = False
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                (form.email.data or ""), (form.password.data or ""), request.remote_addr or ""
            )
        except services.SignInRefused as refused:
            form.form_errors.append(refused.message)
            unverified = refused.reason == "unverified"
        else:
            auth_session.sign_in(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
    # 422 for a field left empty or malformed; a refused sign-in is a 200, because its
    # failure must be committed (the throttle counts it) and error responses roll back.
    invalid = any(field.errors for field in form)
    return render_template(
        "auth/login.html",
        form=form,
        unverified=unverified,
        resend_form=forms.EmailOnlyForm(formdata=None, email=form.email.data),
    ), (422 if invalid else 200)


@bp.post("/logout")
@public
def logout():
    auth_session.sign_out()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = forms.RegistrationForm()
    form.populate_region_choices()
    if form.validate_on_submit():
        region, industry = form.region, get_division(form.industry.data)
        if region is None or industry is None:  # the form's validators made sure of both
            abort(400)
        try:
            email = services.register_enterprise(
                services.Registration(
                    org_name=(form.org_name.data or ""),
                    credit_code=(form.credit_code.data or ""),
                    region=region,
                    industry=industry,
                    size=EnterpriseSize(form.size.data),
                    address=(form.address.data or ""),
                    contact_phone=(form.contact_phone.data or ""),
                    name=(form.name.data or ""),
                    email=(form.email.data or ""),
                    password=(form.password.data or ""),
                    locale=form.locale.data,
                )
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            return render_template("auth/registered.html", email=email)
    elif request.method == "POST" and form.credit_code.data and not form.credit_code.errors:
        problem = services.credit_code_problem(form.credit_code.data.strip())
        if problem:
            form.credit_code.errors = [problem]
    return render_template("auth/register.html", form=form), status_of(form)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token: str):
    """The link of the verification email shows a button; the button confirms. Mail scanners
    that open every link (as corporate gateways do) then confirm nothing."""
    try:
        user = read_token(token, "verify")
    except TokenError as error:
        return render_template(
            "auth/token_problem.html", reason=error.reason, resend_form=forms.EmailOnlyForm()
        ), 400
    form = forms.ConfirmForm()
    if user.is_verified or not form.validate_on_submit():
        return render_template("auth/verify.html", form=form, user=user)
    services.verify_email(user)
    flash(_("Your email address is confirmed. You can sign in now."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/language")
@public
def language():
    """The language switch of the top bar: for this session, and for a signed-in user also
    the language of their emails (their profile's preference)."""
    lang = request.form.get("lang", "")
    if lang in SUPPORTED_LOCALES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.post("/verify/resend")
@public
def resend_verification():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data or "")
    flash(
        _("If that address belongs to an account awaiting confirmation, a new link is on its way."),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        flash(
            _("If an account uses that address, we have sent it a link to reset the password."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), status_of(form)


def _token_password_page(token: str, purpose: Literal["reset", "invite"], template: str):
    try:
        user = read_token(token, purpose)
    except TokenError as error:
        return render_template(
            "auth/token_problem.html", reason=error.reason, resend_form=forms.EmailOnlyForm()
        ), 400
    form = forms.SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, (form.password.data or ""))
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash(_("Your password has been set. You can sign in now."), "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user), status_of(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _token_password_page(token, "reset", "auth/reset.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _token_password_page(token, "invite", "auth/invitation.html")


@bp.route("/account", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_EDIT)
def profile():
    form = forms.ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = (form.name.data or "").strip()
        current_user.phone = (form.phone.data or "").strip()
        current_user.locale = form.locale.data
        session["lang"] = form.locale.data
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_EDIT)
def change_password():
    form = forms.ChangePasswordForm()
    one_time = current_user.must_change_password
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, (form.current_password.data or ""), (form.password.data or "")
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            # Every session ended with the old password; this browser gets a new one.
            auth_session.renew(current_user._get_current_object())
            if one_time:
                flash(_("Your password has been set. Welcome back."), "success")
                return redirect(url_for("main.dashboard"))
            flash(
                _("Your password has been changed. Other sessions have been signed out."), "success"
            )
            return redirect(url_for("auth.profile"))
    page = render_template("auth/change_password.html", form=form, one_time=one_time)
    return page, status_of(form)
