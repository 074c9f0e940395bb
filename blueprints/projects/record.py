"""The read-only half of a project's page — its particulars, timeline, audits, documents and
history — kept rendered per process.

That half is the same for everyone who may open the project, and it is most of the page's
queries and rendering. The database raises the project's ``page_generation`` with every change
of the project's row, its history, documents or audits, and the ``names`` generation when a
person or an organisation is renamed (migration 0c714deb78e0, triggers: whatever code path
writes). A copy kept under both numbers, the language and the day (the timeline counts overdue
days) is therefore current while they have not moved, and is found again on any worker that
rendered it; a worker that did not renders it once.

Both numbers are read before the rows they stand for: a change committed in between is kept
under the old numbers, which the next request no longer asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app, get_template_attribute, request
from flask.sansio.app import App
from flask_babel import get_locale
from markupsafe import Markup

from app.clock import local_today
from app.public_cache import PageMemo, generation
from blueprints.documents import services as documents
from blueprints.projects import queries, timeline, transitions
from models import NAMES_GENERATION, Project

MEMO_KEY = "certpath.project_page_memo"
TEMPLATE = "projects/_record.html"


@dataclass(frozen=True)
class Record:
    particulars: Markup
    timeline: Markup
    audits: Markup
    documents: Markup
    history: Markup


def render(project: Project) -> Record:
    """The half rendered from the database (four queries: history, documents, audits, and the
    organisations of the history's people)."""

    def part(name: str, *args: object) -> Markup:
        # A macro of an autoescaping template returns Markup already.
        return cast(Markup, get_template_attribute(TEMPLATE, name)(*args))

    return Record(
        particulars=part("particulars", project, transitions.earliest_application_date(project)),
        timeline=part("timeline", timeline.build(project)),
        audits=part("audits", queries.audits_of(project)),
        documents=part("documents", project, documents.of_project(project)),
        history=part("history", project),
    )


def record_of(project: Project) -> Record:
    """The project's read-only half: kept, or rendered and kept."""
    names = generation(NAMES_GENERATION)
    if names is None:  # no row to tell renames by: nothing is kept
        return render(project)
    key = (project.id, project.page_generation, names, str(get_locale()), local_today())
    return memo().page(key, lambda: render(project), keep=_reads_only)


def _reads_only() -> bool:
    """Kept only from a request that writes nothing: a form sent back with its errors may
    have raised the numbers in a transaction that then rolls back, and the next change that
    commits would raise them to the same values over other rows."""
    return request.method in ("GET", "HEAD")


def memo() -> PageMemo[Record]:
    kept: PageMemo[Record] = current_app.extensions[MEMO_KEY]
    return kept


def init_app(app: App) -> None:
    app.extensions[MEMO_KEY] = PageMemo(app.config["PROJECT_PAGE_MEMO_SIZE"])
