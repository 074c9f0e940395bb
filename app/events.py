"""What happened in a workflow, announced once where it happens, heard by whoever registered.

A feature announces an event where work changes hands (a transition of its table, a finding
logged, a request made). The notifications feature registers the handler — its table of event
→ recipients → message — when its blueprint is registered, so features never import it and
the core names none of them (the same seam as template hooks and periodic tasks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask.sansio.app import App

from app.workflow import Actor

HANDLERS_KEY = "certpath.event_handlers"


@dataclass(frozen=True)
class Event:
    name: str  # "<machine>.<transition>" for a move ("project.apply"), else "<thing>.<what>"
    subject: Any  # the object it happened to: a project, a certificate, a finding, ...
    actor: Actor
    # Unique per occurrence, so that a notice is never given twice for one event (a retried
    # job, a double submit) and always once for the next one.
    occurrence: str
    context: Mapping[str, Any] = field(default_factory=dict)


Handler = Callable[[Event], None]


def register(app: App, handler: Handler) -> None:
    app.extensions.setdefault(HANDLERS_KEY, []).append(handler)


def occurrence_of(subject: Any) -> str:
    """A state machine's object after its move: its kind, id and new version."""
    return f"{type(subject).__name__.lower()}:{subject.id}:v{subject.lock_version}"


def announce(
    name: str, subject: Any, actor: Actor, *, occurrence: str | None = None, **context: Any
) -> None:
    """Tell every handler; ``occurrence`` defaults to the subject's id and version (call it after
    the move is flushed)."""
    event = Event(name, subject, actor, occurrence or occurrence_of(subject), context)
    for handler in current_app.extensions.get(HANDLERS_KEY, ()):
        handler(event)
