"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

# Hashed once so that a sign-in for an unknown email costs as much as one for a known email.
_DUMMY_HASH = _hasher.hash("certpath-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, user_inputs: list[str] | None = None) -> str | None:
    """A translated reason why ``password`` is unacceptable, or None."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return _("The password must be at least %(n)d characters long.", n=min_length)
    if len(password) > 128:
        return _("The password must be at most 128 characters long.")
    # zxcvbn knows the common-password lists and penalises names and emails we pass it.
    result = zxcvbn(password[:72], user_inputs=[i for i in (user_inputs or []) if i])
    if result["score"] < current_app.config["PASSWORD_MIN_STRENGTH"]:
        return _(
            "This password is too common or too easy to guess. "
            "Use a longer phrase, mixing unrelated words, digits and symbols."
        )
    return None


# Read aloud or copied from paper without doubt: lower case and digits, without l/1 and o/0.
ONE_TIME_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
ONE_TIME_GROUP = 4  # shown as groups of four: "k7pq-m3rx-…"


def one_time_password(*, user_inputs: list[str] | None = None) -> str:
    """A random password an authority hands over once (account recovery): 16 characters of a
    32-letter alphabet (80 bits from the system's CSPRNG) or the minimum length if that is
    longer, in groups of four, that passes the password policy like any other."""
    length = max(16, current_app.config["PASSWORD_MIN_LENGTH"])
    for _attempt in range(20):  # a random draw fails the policy almost never: draw again
        letters = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(length))
        groups = [letters[i : i + ONE_TIME_GROUP] for i in range(0, length, ONE_TIME_GROUP)]
        password = "-".join(groups)
        if password_problem(password, user_inputs=user_inputs) is None:
            return password
    raise RuntimeError("no one-time password passes the password policy: check its settings")
