"""Workflows as data: tables of transitions, and the one engine that checks them.

Every state machine of the house (projects, self-assessments, certificates, findings,
surveillance schedule items) is a tuple of ``Transition``s. The engine finds the transition of
a name that starts from the current state, checks who asks (permission, then the party rule)
and the named guards, and raises WorkflowError — HTTP 409 with the reason — before anything
moves. The feature then applies the effect and writes its own history row (each keeps a
history table of its shape), and ``flush`` turns a concurrent change into the same 409.

The scheduler acts through ``SYSTEM``: it may take only transitions marked ``system=True``,
and their guards still apply.

Pages offer what the table allows: ``options`` gives the actions a user may ask for in a state,
each enabled or carrying the reason its first guard refuses, so that a page shows a disabled
button with "upload the audit report first" instead of failing after the click.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.errors import WorkflowError
from app.extensions import db
from app.security.permissions import Permission, has_permission
from models import User

S = TypeVar("S")
# (object, actor) -> the reason for refusing, or None. Named module-level functions, so that
# a table reads as a sentence and the same rule is written once wherever it applies.
Guard = Callable[[Any, Any], str | None]


class SystemActor:
    """The scheduler, acting on the rules' behalf (a missed deadline, a period that ended)."""

    id: int | None = None
    organisation_id: int | None = None
    is_authenticated = False
    name: Any = _l("the system")

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


class OnDecisionOf(SystemActor):
    """The rules carrying out what a person decided elsewhere (an upheld appeal reopens the
    step it concerns): only system transitions are open to it, and the history records the
    person who decided, not "the system"."""

    def __init__(self, person: User) -> None:
        self.id = person.id
        self.organisation_id = person.organisation_id
        self.name = person.name

    def __repr__(self) -> str:
        return f"ON_DECISION_OF({self.id})"


Actor = User | SystemActor


@dataclass(frozen=True)
class Transition(Generic[S]):
    name: str
    sources: frozenset[S]
    target: S | Callable[[Any], S]
    # Who may ask: a permission of their role (None: nobody but the system) and the party
    # rule among those (the enterprise itself, the lead evaluator, ...). Pages offer an action
    # to the users who pass both; the guards then say whether it can be done now.
    permission: Permission | None = None
    party: Guard | None = None
    guards: tuple[Guard, ...] = ()
    system: bool = False

    @classmethod
    def of(
        cls,
        name: str,
        sources: Iterable[S],
        target: S,
        permission: Permission | None,
        party: Guard | None = None,
        *guards: Guard,
        system: bool = False,
    ) -> Transition[S]:
        """A table row on one line: ``of("suspend", {VALID}, SUSPENDED, MANAGE, None, in_force)``
        (the party, then the guards)."""
        return cls(name, frozenset(sources), target, permission, party, guards, system)

    def target_for(self, obj: Any) -> S:
        return self.target(obj) if callable(self.target) else self.target


def names(table: Iterable[Transition[S]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.name for t in table))


def find(table: Iterable[Transition[S]], name: str, state: S) -> Transition[S]:
    """The transition called ``name`` that starts from ``state``, or a 409 saying why not."""
    named = [t for t in table if t.name == name]
    if not named:
        raise WorkflowError(_("Unknown action."))
    for transition in named:
        if state in transition.sources:
            return transition
    title = getattr(state, "title", str(state))
    raise WorkflowError(
        _("This action is not possible in the current state (%(state)s).", state=title)
    )


def may_ask(transition: Transition[S], obj: Any, actor: Actor) -> bool:
    """Whether ``actor`` is among those who may take this transition (guards aside)."""
    if isinstance(actor, SystemActor):
        return transition.system
    if transition.permission is None or not has_permission(actor, transition.permission):
        return False
    return transition.party is None or transition.party(obj, actor) is None


def check(transition: Transition[S], obj: Any, actor: Actor) -> S:
    """Who, then the guards; return the target state. Raises WorkflowError."""
    if isinstance(actor, SystemActor):
        if not transition.system:
            raise WorkflowError(_("Your role may not perform this action."))
    else:
        if transition.permission is None or not has_permission(actor, transition.permission):
            raise WorkflowError(_("Your role may not perform this action."))
        reason = transition.party(obj, actor) if transition.party else None
        if reason:
            raise WorkflowError(reason)
    for guard in transition.guards:
        reason = guard(obj, actor)
        if reason:
            raise WorkflowError(reason)
    return transition.target_for(obj)


def begin(
    table: Iterable[Transition[S]], obj: Any, name: str, state: S, actor: Actor
) -> tuple[Transition[S], S]:
    """Find and check in one step: the transition to apply and its target state."""
    transition = find(table, name, state)
    return transition, check(transition, obj, actor)


def offered(table: Iterable[Transition[S]], obj: Any, state: S, actor: Actor) -> list[str]:
    """The actions a page offers ``actor`` in ``state``: one name each, in table order."""
    return list(
        dict.fromkeys(t.name for t in table if state in t.sources and may_ask(t, obj, actor))
    )


@dataclass(frozen=True)
class Option:
    """An action a page offers: enabled, or shown disabled with the reason a guard gave."""

    name: str
    refusal: str | None = None

    @property
    def enabled(self) -> bool:
        return self.refusal is None


def options(
    table: Iterable[Transition[S]],
    obj: Any,
    state: S,
    actor: Actor,
    known: Mapping[Guard, str | None] | None = None,
) -> list[Option]:
    """The actions ``offered`` to ``actor`` in ``state``, each with its first refusing guard.

    A page shows the refused ones disabled with the reason instead of failing after the
    click. Each guard may run a query: ``known`` holds the answers of guards that are the
    same for every item of a list (computed once by the page), so a long list costs no query
    per item for them."""
    known = known or {}
    result: dict[str, Option] = {}
    for transition in table:
        if transition.name in result or state not in transition.sources:
            continue
        if not may_ask(transition, obj, actor):
            continue
        refusal = None
        for guard in transition.guards:
            refusal = known[guard] if guard in known else guard(obj, actor)
            if refusal:
                break
        result[transition.name] = Option(transition.name, refusal or None)
    return list(result.values())


def expect_version(obj: Any, version: int | None) -> None:
    """Refuse a form rendered before someone else's change (a second click, another tab, a
    colleague): it would act on a state it did not show. ``None``: the form carried none."""
    if version is not None and version != obj.lock_version:
        raise WorkflowError(
            _("This was changed meanwhile. Reload the page to see its current state.")
        )


def flush(conflict: str) -> None:
    """Write the move now, so that a concurrent change of the same row (its version column
    moved on) is refused here with ``conflict`` rather than as a server error later."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise WorkflowError(conflict) from exc
