"""An engagement's files (the agreement's scan, sign-in sheets, photos): checked and stored
like every upload (app/uploads.py), with a photo's EXIF time and place."""

from __future__ import annotations

import functools

from werkzeug.datastructures import FileStorage

from app import uploads
from app.database import on_rollback
from app.extensions import db
from blueprints.engagements.changes import Refused
from models import DiagnosisEngagement, DiagnosisFile, User


def keep(engagement: DiagnosisEngagement, actor: User, file: FileStorage, kind: str,
          allowed: frozenset[str], field: str, **extra: object) -> DiagnosisFile:  # fmt: skip
    """Check and keep ``file`` as the engagement's ``kind``; a refusal names ``field``, and
    the stored file goes again if the request rolls back."""
    try:
        stored = uploads.store(file, allowed=allowed)
    except uploads.UploadError as error:
        raise Refused(field, str(error.message)) from error
    on_rollback(functools.partial(uploads.remove, stored.stored_name))
    place = stored.taken_where
    kept = DiagnosisFile(
        engagement_id=engagement.id,
        kind=kind,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        taken_at=stored.taken_at,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        uploaded_by_id=actor.id,
        **extra,
    )
    db.session.add(kept)
    return kept
