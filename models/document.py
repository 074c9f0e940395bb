"""Uploaded documents: stored under a generated name outside static/, described here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from models.types import TitledEnum, enum_column_type
from models.user import User


class DocumentKind(TitledEnum):
    MANUAL = "manual", _l("Management manual")  # 管理手册
    PROCEDURE = "procedure", _l("Procedure document")  # 程序文件
    RECORD = "record", _l("Record")  # 记录
    INTERNAL_AUDIT_REPORT = "internal_audit_report", _l("Internal audit report")  # 内部审核报告
    MANAGEMENT_REVIEW = "management_review", _l("Management review minutes")  # 管理评审记录
    STEP_DELIVERABLE = "step_deliverable", _l("Step deliverable")  # other consulting output
    AUDIT_REPORT = "audit_report", _l("Audit report")  # 评定报告
    EVIDENCE = "evidence", _l("Evidence")  # evidence of a finding or of a corrective action


class Document(Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column_type(DocumentKind, "document_kind"))
    consulting_step: Mapped[int | None] = mapped_column()
    audit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audits.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id"), index=True)
    corrective_action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("corrective_actions.id"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))  # as uploaded, Chinese kept
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    taken_at: Mapped[datetime | None] = mapped_column()  # EXIF time of a photo
    # Where a photo was taken (EXIF GPS, WGS 84 degrees), when the camera recorded it.
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[User] = relationship()
