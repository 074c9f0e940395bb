"""workflow.options: the offered actions, each with the reason of its first refusing guard."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.security.permissions import Permission
from app.workflow import Option, Transition, options
from models import Role


class S(Enum):
    DRAFT = "draft"
    SENT = "sent"


@dataclass
class Thing:
    ready: bool = False


calls: list[str] = []


def owner(_thing: Thing, actor: Person) -> str | None:
    return None if actor.name == "owner" else "Only the owner."


def ready(thing: Thing, _actor: object) -> str | None:
    calls.append("ready")
    return None if thing.ready else "Not ready yet."


def never(_thing: Thing, _actor: object) -> str | None:
    calls.append("never")
    return "Never."


EDIT = Permission.PROJECT_START
TABLE = (
    Transition.of("send", {S.DRAFT}, S.SENT, EDIT, owner, ready, never),
    Transition.of("discard", {S.DRAFT, S.SENT}, S.DRAFT, EDIT, owner),
    Transition.of("recall", {S.SENT}, S.DRAFT, EDIT, owner),
    Transition.of("archive", {S.DRAFT}, S.DRAFT, None, None, system=True),
)


@dataclass
class Person:
    """A signed-in enterprise user, as far as permissions go."""

    name: str
    role: Role = Role.ENTERPRISE
    is_org_admin: bool = False
    is_authenticated: bool = True


def person(name: str) -> Person:
    return Person(name)


def test_offered_actions_carry_the_first_refusal(app_ctx):
    calls.clear()
    result = options(TABLE, Thing(), S.DRAFT, person("owner"))
    assert result == [Option("send", "Not ready yet."), Option("discard")]
    assert calls == ["ready"]  # the first refusal is the reason: the rest do not run
    assert [o.enabled for o in result] == [False, True]


def test_the_state_and_the_party_decide_what_is_offered(app_ctx):
    assert [o.name for o in options(TABLE, Thing(), S.SENT, person("owner"))] == [
        "discard",
        "recall",
    ]
    assert options(TABLE, Thing(), S.DRAFT, person("someone else")) == []


def test_known_answers_are_not_asked_again(app_ctx):
    calls.clear()
    result = options(TABLE, Thing(), S.DRAFT, person("owner"), known={ready: None})
    assert result[0] == Option("send", "Never.")
    assert calls == ["never"]
