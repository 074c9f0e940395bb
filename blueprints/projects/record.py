"""The read-only half of a project's page — its particulars, timeline, audits, documents,
history and certificates — kept rendered per process, and what other features show on the page
from the project's rows (the appeals panel's cases), kept likewise.

That half is the same for everyone who may open the project, and it is most of the page's
queries and rendering. The database raises the project's ``page_generation`` with every change
of the project's row, its history, documents, audits, certificates or cases, and the ``names``
generation when a
person or an organisation is renamed (migration 0c714deb78e0, triggers: whatever code path
writes). A copy kept under both numbers, the language and the day (the timeline counts overdue
days) is therefore current while they have not moved, and is found again on any worker that
rendered it; a worker that did not renders it once.

Both numbers are read before the rows they stand for: a change committed in between is kept
under the old numbers, which the next request no longer asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar, cast

import sqlalchemy as sa
from flask import current_app, get_template_attribute, request
from flask.sansio.app import App
from flask_babel import get_locale
from markupsafe import Markup
from wtforms import Field, Form
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectFieldBase

from app.clock import local_today
from app.public_cache import PageMemo
from blueprints.documents import services as documents
from blueprints.projects import queries, timeline, transitions
from models import Certificate, CertificateStatus, Project

MEMO_KEY = "certpath.project_page_memo"
FIELDS_MEMO_KEY = "certpath.project_page_fields"
TEMPLATE = "projects/_record.html"
KEYS_OF_REQUEST = "certpath.project_page_keys"  # in the request's environ: this request only
# Loaded with the project by the page: the names generation as of reading it.
WITH_NAMES_GENERATION = sa.orm.undefer(Project.names_generation)
Kept = TypeVar("Kept")


@dataclass(frozen=True)
class CertificateLine:
    """A certificate issued at the end of the project, as its page lists it."""

    number: str
    status: CertificateStatus
    effective_on: date
    expires_on: date
    organisation_id: int  # the holder: who may download the PDF

    def status_on(self, day: date) -> CertificateStatus:
        return Certificate.live_status(self.status, self.expires_on, day)


@dataclass(frozen=True)
class Record:
    particulars: Markup
    timeline: Markup
    audits: Markup
    documents: Markup
    history: Markup
    certificates: tuple[CertificateLine, ...]


def render(project: Project) -> Record:
    """The half rendered from the database (history, documents, audits, the organisations of
    the history's people, the other parties; certificates once certified)."""

    def part(name: str, *args: object) -> Markup:
        # A macro of an autoescaping template returns Markup already.
        return cast(Markup, get_template_attribute(TEMPLATE, name)(*args))

    return Record(
        particulars=part("particulars", project, transitions.earliest_application_date(project)),
        timeline=part("timeline", timeline.build(project)),
        audits=part("audits", queries.audits_of(project)),
        documents=part("documents", project, documents.of_project(project)),
        history=part("history", project),
        certificates=tuple(
            CertificateLine(c.number, c.status, c.effective_on, c.expires_on, c.organisation_id)
            for c in queries.certificates_of(project)
        ),
    )


def record_of(project: Project) -> Record:
    """The project's read-only half: kept, or rendered and kept."""
    return kept(project, "record", lambda: render(project))


def kept(project: Project, name: str, compute: Callable[[], Kept]) -> Kept:
    """What ``compute`` reads of the project's rows (those that raise its page generation) and
    of people's and organisations' names, kept under both generations as ``name``."""
    key = _key(project)
    if key is None:  # no row to tell renames by: nothing is kept
        return compute()
    return cast(Kept, memo().page((*key, name), compute, keep=_reads_only))


def fields_of(form: Form, shown_as: Hashable, render: Callable[[], Markup]) -> Markup:
    """The visible fields of a blank form of the page (an action's, the upload's), rendered
    by ``render`` as ``shown_as`` (the form's name and what else the macro reads), kept under
    everything they show: each field's kind, id, name, value, choices, label, help and
    required mark, and the language. WTForms writes every attribute and every option of a
    select through a format string (a tenth of the page's time), and a blank form shows the
    same on every visit until one of those changes. The CSRF token and the version are not
    among them: the page writes those beside, per request."""
    if not _reads_only():  # a form sent back shows its input and errors
        return render()
    # Not the CSRF token's field: its value is signed afresh on every request.
    shown = (_shown(f) for f in form if not isinstance(f, CSRFTokenField))
    key = (shown_as, type(form), str(get_locale()), *shown)
    return fields_memo().page(key, render, keep=_reads_only)


def blank_fields(shown_as: Hashable, render: Callable[[], Markup]) -> Markup:
    """The fields of a blank form that ``shown_as`` names whole (every choice, value and
    setting they show but the language), rendered by ``render`` and kept like those of
    ``fields_of`` — without building the form to fingerprint it."""
    return fields_memo().page((shown_as, str(get_locale())), render, keep=_reads_only)


def _shown(field: Field) -> Hashable:
    # Each choice's value, label (in the language in force), selected mark and attributes.
    choices = repr(list(field.iter_choices())) if isinstance(field, SelectFieldBase) else ""
    value = field._value() if hasattr(field, "_value") else ""
    return (
        type(field),
        field.id,
        field.name,
        repr(field.data),
        str(value),
        choices,
        str(field.label.text),
        str(field.description),
        bool(field.flags.required),
        repr(field.render_kw),
    )


def _key(project: Project) -> tuple[Hashable, ...] | None:
    # Read once per request and project: the names generation is that of the project's read
    # (undeferred with it by the page, else read here), before any row it stands for.
    keys: dict[int, tuple[Hashable, ...] | None] = request.environ.setdefault(KEYS_OF_REQUEST, {})
    if project.id not in keys:
        names = project.names_generation
        keys[project.id] = (
            None
            if names is None
            else (project.id, project.page_generation, names, str(get_locale()), local_today())
        )
    return keys[project.id]


def _reads_only() -> bool:
    """Kept only from a request that writes nothing: a form sent back with its errors may
    have raised the numbers in a transaction that then rolls back, and the next change that
    commits would raise them to the same values over other rows."""
    return request.method in ("GET", "HEAD")


def memo() -> PageMemo[object]:
    memo_: PageMemo[object] = current_app.extensions[MEMO_KEY]
    return memo_


def fields_memo() -> PageMemo[Markup]:
    memo_: PageMemo[Markup] = current_app.extensions[FIELDS_MEMO_KEY]
    return memo_


def init_app(app: App) -> None:
    app.extensions[MEMO_KEY] = PageMemo(app.config["PROJECT_PAGE_MEMO_SIZE"])
    app.extensions[FIELDS_MEMO_KEY] = PageMemo(app.config["PROJECT_PAGE_MEMO_SIZE"])
