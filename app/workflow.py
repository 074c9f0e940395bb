"""Workflows as data: a table of transitions and one function that applies them.

A feature declares its transitions (name, source states, target, permission, guard); ``apply``
checks all of them and raises WorkflowError — HTTP 409 with the reason — before anything moves.
The caller writes its own history row, so each feature keeps a history table of its shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _

from app.errors import WorkflowError
from app.security.permissions import Permission, has_permission

S = TypeVar("S")
Guard = Callable[[Any, Any], str | None]  # (object, actor) -> refusal reason or None


@dataclass(frozen=True)
class Transition(Generic[S]):
    name: str
    sources: frozenset[S]
    target: S | Callable[[Any], S]
    permission: Permission
    guards: tuple[Guard, ...] = ()

    def target_for(self, obj: Any) -> S:
        return self.target(obj) if callable(self.target) else self.target


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


# Transitions the scheduler may take on its own (``actor=None``): their guards still apply.
SYSTEM = object()


def check(transition: Transition[S], obj: Any, actor: Any) -> S:
    """Permission, then guards; return the target state. Raises WorkflowError.

    ``actor`` is a user, or ``SYSTEM`` for a background job acting on the rules' behalf."""
    if actor is not SYSTEM and not has_permission(actor, transition.permission):
        raise WorkflowError(_("Your role may not perform this action."))
    for guard in transition.guards:
        reason = guard(obj, actor)
        if reason:
            raise WorkflowError(reason)
    return transition.target_for(obj)
