"""Project documents: upload (validated and stored by app.uploads), list and look up."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import uploads
from app.database import on_rollback
from app.errors import WorkflowError
from app.extensions import db
from models import Document, DocumentKind, OrgKind, Project, ProjectStatus, User

P = ProjectStatus

# Which organisation kind may upload which kind of document.
UPLOADERS: dict[DocumentKind, frozenset[OrgKind]] = {
    DocumentKind.MANUAL: frozenset({OrgKind.ENTERPRISE, OrgKind.CONSULTANCY}),
    DocumentKind.PROCEDURE: frozenset({OrgKind.ENTERPRISE, OrgKind.CONSULTANCY}),
    DocumentKind.RECORD: frozenset({OrgKind.ENTERPRISE, OrgKind.CONSULTANCY}),
    DocumentKind.INTERNAL_AUDIT_REPORT: frozenset({OrgKind.ENTERPRISE, OrgKind.CONSULTANCY}),
    DocumentKind.MANAGEMENT_REVIEW: frozenset({OrgKind.ENTERPRISE, OrgKind.CONSULTANCY}),
    DocumentKind.STEP_DELIVERABLE: frozenset({OrgKind.ENTERPRISE, OrgKind.CONSULTANCY}),
    DocumentKind.AUDIT_REPORT: frozenset({OrgKind.EVALUATION_BODY}),
    DocumentKind.EVIDENCE: frozenset({OrgKind.ENTERPRISE, OrgKind.EVALUATION_BODY}),
}
PROJECT_UPLOAD_KINDS = tuple(k for k in DocumentKind if k != DocumentKind.EVIDENCE)


def add(
    project: Project,
    actor: User,
    kind: DocumentKind,
    file: FileStorage | None,
    *,
    consulting_step: int | None = None,
    finding_id: int | None = None,
    corrective_action_id: int | None = None,
) -> Document:
    if project.status in (P.NOT_RECOMMENDED, P.WITHDRAWN):
        raise WorkflowError(_("This project is closed."))
    if actor.organisation.kind not in UPLOADERS[kind]:
        raise WorkflowError(_("Your organisation does not provide documents of this kind."))
    if file is None or not file.filename:
        raise uploads.UploadError(_("Choose a file to upload."))
    stored = uploads.store(file)
    on_rollback(lambda: uploads.remove(stored.stored_name))
    document = Document(
        project_id=project.id,
        kind=kind,
        consulting_step=consulting_step,
        finding_id=finding_id,
        corrective_action_id=corrective_action_id,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        taken_at=stored.taken_at,
        latitude=stored.taken_where.latitude if stored.taken_where else None,
        longitude=stored.taken_where.longitude if stored.taken_where else None,
        uploaded_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    return document


def of_project(project: Project) -> list[Document]:
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.project_id == project.id)
            .options(sa.orm.joinedload(Document.uploaded_by))
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
    )


def get(project: Project, document_id: int) -> Document | None:
    return db.session.scalar(
        sa.select(Document).where(Document.id == document_id, Document.project_id == project.id)
    )
