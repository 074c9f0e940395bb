"""Account recovery by an authority: helping a member of an enterprise of its region back into
their account. Only flushes.

Seed 000 has the district or city authority reset a lost password to a fixed "123456"; here it
never chooses one. It either sends the account's own confirmed address the reset link anyone
may ask for, or has the app draw a random one-time password that it sees once, passes on
itself, and that leads only to choosing a password of one's own, for ONE_TIME_PASSWORD_HOURS.
Each action is recorded (who, whose account, what — never the password) and the account holder
is told in the app and by email, whatever their notification settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import WorkflowError
from app.events import announce
from app.extensions import db
from blueprints.auth import services as accounts
from models import AccountAction, AccountEvent, User


@dataclass(frozen=True)
class GivenPassword:
    """A one-time password as drawn: shown once to the authority, stored only as a hash."""

    password: str
    expires_at: datetime


def refusal(member: User) -> str | None:
    """Why neither action can help this account now, or None (the page shows it beside the
    buttons, the actions refuse with it)."""
    if not member.is_active:
        return _(
            "This account is deactivated: it cannot sign in. The enterprise's administrator can "
            "reactivate it."
        )
    if member.password_hash is None:
        return _(
            "This person has not accepted their invitation yet. The enterprise's administrator "
            "can send it again."
        )
    if not member.is_verified:
        return _(
            "This account's email address has not been confirmed: a reset link is sent only to "
            "a confirmed address, and the account cannot sign in before it is confirmed. Ask "
            "them to open the confirmation email, or to ask for a new one on the sign-in page."
        )
    return None


def _refuse_if_needed(member: User) -> None:
    reason = refusal(member)
    if reason:
        raise WorkflowError(reason)


def _record(actor: User, member: User, action: AccountAction, **context: object) -> None:
    """Write the action to the account's record and tell the account holder."""
    event = AccountEvent(
        user_id=member.id, action=action, actor_id=actor.id, authority_id=actor.organisation_id
    )
    db.session.add(event)
    db.session.flush()
    announce(
        f"account.{action.value}",
        member,
        actor,
        occurrence=f"account-event:{event.id}",
        authority=actor.organisation,
        **context,
    )


def send_reset_link(actor: User, member: User) -> None:
    """Mail ``member`` the password reset link of the sign-in page, to their own confirmed
    address."""
    _refuse_if_needed(member)
    if not accounts.send_password_reset(member):
        raise WorkflowError(
            _(
                "A reset link was sent to this address less than %(n)d minutes ago. Ask them to "
                "look for it (in their spam folder too) before sending another.",
                n=accounts.LINK_RESEND_MINUTES,
            )
        )
    _record(actor, member, AccountAction.RESET_LINK_SENT)


def set_one_time_password(actor: User, member: User) -> GivenPassword:
    """Replace ``member``'s password with a one-time password (ending their sessions); return
    it for the authority to see once."""
    _refuse_if_needed(member)
    password, expires_at = accounts.set_one_time_password(member)
    _record(actor, member, AccountAction.ONE_TIME_PASSWORD_SET, expires_at=expires_at)
    return GivenPassword(password, expires_at)


HISTORY_SHOWN = 10


def history(member: User) -> list[AccountEvent]:
    """The latest recorded recoveries of ``member``'s account, with who acted, newest first."""
    return list(
        db.session.scalars(
            sa.select(AccountEvent)
            .options(
                sa.orm.joinedload(AccountEvent.actor), sa.orm.joinedload(AccountEvent.authority)
            )
            .where(AccountEvent.user_id == member.id)
            .order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc())
            .limit(HISTORY_SHOWN)
        )
    )
