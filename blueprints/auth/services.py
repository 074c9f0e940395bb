"""Account work: registration, sign-in, verification, reset, invitations. Only flushes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from app.clock import utcnow
from app.extensions import db
from app.mail.outbox import queue_email
from app.security import passwords, sessions, throttle, tokens
from app.urls import external_url
from models import (
    EnterpriseSize,
    Industry,
    Organisation,
    OrgKind,
    OutboxMessage,
    Region,
    Role,
    User,
)

_USCC_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


class AccountError(Exception):
    """A refused account action; ``field`` names the form field to attach the message to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def credit_code_problem(code: str) -> str | None:
    """Check a 统一社会信用代码 exactly as typed (GB 32100-2015), or say what is wrong.

    python-stdnum compacts (upper-cases, strips spaces) before validating; an official code
    is printed in capitals, so anything else is refused rather than silently repaired.
    """
    if len(code) != 18:
        return _(
            "A unified social credit code has exactly 18 characters; this one has %(n)d.",
            n=len(code),
        )
    if not set(code) <= _USCC_ALPHABET:
        return _(
            "A unified social credit code uses only digits and the capital letters "
            "A–Y without I, O, S, V and Z."
        )
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return _("The check digit (the last character) does not match: please check the code.")
    except (InvalidFormat, InvalidComponent, InvalidLength):
        return _("This is not a valid unified social credit code.")
    return None


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(sa.select(sa.exists().where(User.email == normalise_email(email))))
        or False
    )


def credit_code_taken(code: str) -> bool:
    return (
        db.session.scalar(sa.select(sa.exists().where(Organisation.credit_code == code))) or False
    )


@dataclass
class Registration:
    org_name: str
    credit_code: str
    region: Region
    industry: Industry
    size: EnterpriseSize
    address: str
    contact_phone: str
    name: str
    email: str
    password: str
    locale: str


def register_enterprise(reg: Registration) -> str:
    """Create the enterprise and its first (administrator) user, unverified, and mail the link.

    Returns the address the registrant is told to check. For an address that already has an
    account the answer is the same, so that the form does not tell who has an account: the
    owner is told by email instead, and nothing is created.
    """
    code = reg.credit_code.strip()
    problem = credit_code_problem(code)
    if problem:
        raise AccountError(problem, "credit_code")
    if credit_code_taken(code):
        raise AccountError(
            _(
                "An enterprise with this credit code is already registered. "
                "Ask its administrator to invite you."
            ),
            "credit_code",
        )
    email = normalise_email(reg.email)
    problem = passwords.password_problem(reg.password, user_inputs=[email, reg.name, reg.org_name])
    if problem:
        raise AccountError(problem, "password")
    # Hashed on both paths: the Argon2 work is most of the time a registration takes, so the
    # answer for a taken address arrives as late as the one for a new account.
    password_hash = passwords.hash_password(reg.password)
    owner = db.session.scalar(sa.select(User).where(User.email == email))
    if owner is not None:
        notify_registration_attempt(owner)
        return email

    org = Organisation(
        kind=OrgKind.ENTERPRISE,
        name=reg.org_name.strip(),
        credit_code=code,
        region_code=reg.region.code,
        industry_code=reg.industry.code,
        size=reg.size,
        address=reg.address.strip(),
        contact_name=reg.name.strip(),
        contact_phone=reg.contact_phone.strip(),
        contact_email=email,
    )
    user = User(
        email=email,
        name=reg.name.strip(),
        password_hash=password_hash,
        organisation=org,
        role=Role.ENTERPRISE,
        is_org_admin=True,
        locale=reg.locale,
    )
    db.session.add_all([org, user])
    db.session.flush()
    send_verification(user)
    return email


# One link of a kind per account per few minutes: the forms cannot be used to flood a mailbox.
LINK_RESEND_MINUTES = 5


def notify_registration_attempt(owner: User) -> None:
    """Tell the owner of an address that someone tried to register with it.

    At most one message per account per LINK_RESEND_MINUTES: the key names the time slot, so
    a second attempt within it finds its message already queued (the outbox's dedup).
    Deactivated accounts and invitations not yet accepted are left alone: neither signing in
    nor a password reset would help them.
    """
    if not owner.is_active or not owner.password_hash:
        return
    slot = int(utcnow().timestamp()) // (LINK_RESEND_MINUTES * 60)
    queue_email(
        dedup_key=f"registration-attempt:{owner.id}:{slot}",
        recipient=owner.email,
        template="registration_attempt",
        locale=owner.locale,
        user=owner,
        sign_in_link=external_url("auth.login"),
        reset_link=external_url("auth.forgot_password"),
    )


def _link_sent_recently(user: User, kind: str) -> bool:
    since = utcnow() - timedelta(minutes=LINK_RESEND_MINUTES)
    return (
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    OutboxMessage.dedup_key.startswith(f"{kind}:{user.id}:"),
                    OutboxMessage.created_at >= since,
                )
            )
        )
        or False
    )


def send_verification(user: User) -> None:
    if _link_sent_recently(user, "verify"):
        return
    token = tokens.make_token(user, "verify")
    queue_email(
        dedup_key=f"verify:{user.id}:{token[-16:]}",
        recipient=user.email,
        template="verify",
        locale=user.locale,
        user=user,
        link=external_url("auth.verify", token=token),
    )


def verify_email(user: User) -> None:
    """Confirm the address of ``user``, read from a verification link."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()


def resend_verification(email: str) -> None:
    """Queue a fresh link if the account exists and is unverified; silent otherwise."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is not None and not user.is_verified and user.password_hash:
        send_verification(user)


class SignInRefused(Exception):
    def __init__(self, message: str, reason: str = "credentials"):
        super().__init__(message)
        self.message = message
        self.reason = reason


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user or raise SignInRefused with a translated reason."""
    email = normalise_email(email)
    if throttle.is_throttled(email, address):
        raise SignInRefused(
            _(
                "Too many failed sign-in attempts. Please wait %(n)d minutes and try again, "
                "or reset your password.",
                n=_window_minutes(),
            )
        )
    user = db.session.scalar(sa.select(User).where(User.email == email))
    # Verified whatever the account: without an account (or a password yet) the check runs
    # against a dummy hash, so an unknown address costs the same Argon2 work as a known one and
    # the time of the answer does not tell which addresses have an account.
    password_ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok:
        throttle.record_failure(email, address)
        raise SignInRefused(_("The email or password is not correct."))
    if not user.is_verified:
        raise SignInRefused(
            _(
                "Your email address is not verified yet. Open the link in the email we sent you, "
                "or request a new one below."
            ),
            reason="unverified",
        )
    if not user.is_active:
        raise SignInRefused(_("This account has been deactivated. Contact your administrator."))
    if one_time_password_expired(user):
        raise SignInRefused(str(ONE_TIME_PASSWORD_EXPIRED), reason="expired")
    throttle.clear_account(email)
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return user


def _window_minutes() -> int:
    return current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]


def request_password_reset(email: str) -> None:
    """Queue a reset link if the account exists; say nothing either way (no enumeration)."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active or not user.password_hash:
        return
    send_password_reset(user)


def send_password_reset(user: User) -> bool:
    """Queue a reset link to ``user``'s own address; False when one was sent less than
    LINK_RESEND_MINUTES ago (that one is still on its way or in the mailbox)."""
    if _link_sent_recently(user, "reset"):
        return False
    token = tokens.make_token(user, "reset")
    queue_email(
        dedup_key=f"reset:{user.id}:{token[-16:]}",
        recipient=user.email,
        template="reset",
        locale=user.locale,
        user=user,
        link=external_url("auth.reset_password", token=token),
    )
    return True


def _replace_password_hash(user: User, password_hash: str) -> None:
    """Store a new password: every session of the old one ends — the rows go, and a cookie
    still holding the old version would be refused anyway."""
    user.password_hash = password_hash
    user.auth_version += 1
    sessions.end_all(user)


def set_password(user: User, password: str) -> None:
    problem = passwords.password_problem(password, user_inputs=[user.email, user.name])
    if problem:
        raise AccountError(problem, "password")
    # A user changing it while signed in gets a new session (auth_session.renew).
    _replace_password_hash(user, passwords.hash_password(password))
    # A password of their own: a one-time password given before is gone with the old hash.
    user.must_change_password = False
    user.one_time_password_expires_at = None
    if user.email_verified_at is None:
        # The link that led here went to this mailbox: that proves the address.
        user.email_verified_at = utcnow()


def change_password(user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError(_("The current password is not correct."), "current_password")
    if user.must_change_password and new == current:
        raise AccountError(
            _("Choose a password of your own: the one-time password cannot be kept."),
            "password",
        )
    set_password(user, new)


def set_one_time_password(user: User) -> tuple[str, datetime]:
    """Give ``user`` a random password for one sign-in (account recovery by an authority):
    it replaces their password, ends every session of theirs and clears the sign-in
    throttle of the account; signing in with it leads only to choosing a new password, until
    ONE_TIME_PASSWORD_HOURS have passed. Returns it (to be shown once, never stored in clear)
    and its expiry."""
    password = passwords.one_time_password(user_inputs=[user.email, user.name])
    _replace_password_hash(user, passwords.hash_password(password))
    user.must_change_password = True
    expires_at = utcnow() + timedelta(hours=current_app.config["ONE_TIME_PASSWORD_HOURS"])
    user.one_time_password_expires_at = expires_at
    # The failures that locked them out are not theirs to wait for any more.
    throttle.clear_account(user.email)
    return password, expires_at


ONE_TIME_PASSWORD_EXPIRED = _l(
    "This one-time password has expired. Ask the authority that gave it to you for a new one, "
    "or reset your password by email."
)


def one_time_password_expired(user: User) -> bool:
    """``user`` holds a one-time password past its expiry (it signs in nobody any more)."""
    expires_at = user.one_time_password_expires_at
    return user.must_change_password and (expires_at is None or expires_at <= utcnow())


def invite_member(
    org: Organisation, inviter: User, name: str, email: str, locale: str, make_admin: bool = False
) -> User:
    email = normalise_email(email)
    if email_taken(email):
        raise AccountError(_("An account with this email already exists."), "email")
    role = _member_role(org)
    user = User(
        email=email,
        name=name.strip(),
        organisation=org,
        role=role,
        is_org_admin=make_admin,
        locale=locale,
        password_hash=None,
    )
    db.session.add(user)
    db.session.flush()
    send_invitation(user, inviter)
    return user


def send_invitation(user: User, inviter: User) -> None:
    token = tokens.make_token(user, "invite")
    queue_email(
        dedup_key=f"invite:{user.id}:{token[-16:]}",
        recipient=user.email,
        template="invite",
        locale=user.locale,
        user=user,
        inviter=inviter,
        link=external_url("auth.accept_invitation", token=token),
    )


_MEMBER_ROLE = {
    OrgKind.ENTERPRISE: Role.ENTERPRISE,
    OrgKind.CONSULTANCY: Role.CONSULTANT,
    OrgKind.EVALUATION_BODY: Role.EVALUATOR,
    OrgKind.ALLIANCE: Role.ALLIANCE_STAFF,
    OrgKind.AUTHORITY: Role.AUTHORITY,
    OrgKind.SERVICE_PROVIDER: Role.DIAGNOSTICIAN,
    OrgKind.THINK_TANK: Role.DIAGNOSTICIAN,
}


def _member_role(org: Organisation) -> Role:
    return _MEMBER_ROLE[org.kind]
