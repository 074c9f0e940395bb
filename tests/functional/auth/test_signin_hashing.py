"""Sign-in runs the Argon2 verification for every address, known or not (no timing oracle).

Proven without a stopwatch: the app's hasher is swapped for a real PasswordHasher of the same
parameters that also writes down which hash each verification was asked to check. The timing
itself is measured by ``benchmarks/signin_timing.py``.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from app.security import passwords
from tests import factories


class RecordingHasher(PasswordHasher):
    """The real hasher, which also remembers the hashes it verified and how often it hashed."""

    def __init__(self, hasher: PasswordHasher):
        super().__init__(
            time_cost=hasher.time_cost,
            memory_cost=hasher.memory_cost,
            parallelism=hasher.parallelism,
            hash_len=hasher.hash_len,
            salt_len=hasher.salt_len,
            type=hasher.type,
        )
        self.verified: list[str] = []
        self.hashed = 0

    def verify(self, hash, password):
        self.verified.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)

    def hash(self, password, *, salt=None):
        self.hashed += 1
        return super().hash(password, salt=salt)


@pytest.fixture
def hasher(monkeypatch) -> RecordingHasher:
    recording = RecordingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", recording)
    return recording


def test_the_dummy_hash_costs_what_a_real_one_costs():
    # Same algorithm and parameters as the hasher's: checking it takes as long.
    assert not passwords.needs_rehash(passwords._DUMMY_HASH)
    assert passwords._DUMMY_HASH.startswith("$argon2id$")


def test_an_unknown_address_is_verified_against_the_dummy_hash(browser, hasher):
    page = browser.login("nobody-here@example.com", "Some-Guess-123").get_data(as_text=True)
    assert "邮箱或密码不正确" in page
    assert hasher.verified == [passwords._DUMMY_HASH]


def test_a_known_address_is_verified_against_its_own_hash(browser, hasher):
    user = factories.user()
    page = browser.login(user.email, "Some-Guess-123").get_data(as_text=True)
    assert "邮箱或密码不正确" in page
    assert hasher.verified == [user.password_hash]


def test_an_account_without_a_password_costs_the_same(browser, hasher):
    """An invitation not yet accepted has no password: the dummy hash stands in, and the
    answer is the one for a wrong password."""
    invited = factories.user(password_hash=None)
    page = browser.login(invited.email, "Some-Guess-123").get_data(as_text=True)
    assert "邮箱或密码不正确" in page
    assert hasher.verified == [passwords._DUMMY_HASH]
    assert browser.get("/dashboard").status_code == 302


def test_the_dummy_password_opens_nothing(browser, hasher):
    """Whoever guesses the dummy hash's password gets in nowhere (it matches no account)."""
    page = browser.login("nobody-here@example.com", "certpath-timing-equaliser")
    assert "邮箱或密码不正确" in page.get_data(as_text=True)
    assert hasher.verified == [passwords._DUMMY_HASH]


def test_a_throttled_sign_in_is_refused_before_any_hashing(app, browser, hasher):
    """The throttle's answer is unchanged: it comes first and says so (for known and unknown
    addresses alike, since failures count per address typed)."""
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        browser.login("nobody-here@example.com", "wrong")
    hasher.verified.clear()
    page = browser.login("nobody-here@example.com", "wrong").get_data(as_text=True)
    assert "尝试次数过多" in page
    assert hasher.verified == []
