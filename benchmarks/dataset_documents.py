"""Project documents as rows: what the consulting steps deliver and the transitions' guards
ask for (the management manual and procedures, the internal audit report, the management
review minutes), and the evaluation body's audit report. Only the rows: their files are not
written, so a download answers 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from benchmarks.dataset_core import Clock, Random, Rows

DOCUMENT_COLUMNS = (
    "id", "project_id", "kind", "consulting_step", "audit_id", "finding_id",
    "corrective_action_id", "original_name", "stored_name", "size", "sha256", "content_type",
    "taken_at", "uploaded_by_id", "uploaded_at",
)  # fmt: skip
STEP_DOCUMENTS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("step_deliverable", "贯标启动会会议纪要.pdf"),),
    2: (("step_deliverable", "现状调研报告.docx"),),
    3: (("step_deliverable", "体系分析报告.pdf"),),
    4: (("manual", "两化融合管理手册（A0版）.pdf"), ("procedure", "程序文件汇编.pdf")),
    5: (("internal_audit_report", "内部审核报告.pdf"),),
    6: (("management_review", "管理评审记录.pdf"),),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class Documents:
    def __init__(self, rng: Random, rows: Rows) -> None:
        self.rng, self.rows = rng, rows

    def steps(
        self, project: int, number: int, started: date | None, completed: datetime, by: int
    ) -> None:
        """What consulting step ``number`` delivered, uploaded while it ran (the first three
        steps' reports are optional and often missing)."""
        rng = self.rng
        if number <= 3 and rng.random() < 0.3:
            return
        first = started or completed.date()
        for kind, name in STEP_DOCUMENTS[number]:
            at = min(
                rng.working_time(rng.day_between(first, completed.date())),
                completed - timedelta(minutes=5),
            )
            self.add(project, kind, number, None, name, by, at)

    def add(
        self,
        project: int,
        kind: str,
        step: int | None,
        audit: int | None,
        name: str,
        by: int,
        at: datetime,
    ) -> None:
        rng = self.rng
        extension = name.rsplit(".", 1)[1]
        stored = f"{rng.hex(128)}.{extension}"  # as app.uploads names them
        self.rows.add(
            "documents", self.rows.next_id("documents"), project, kind, step, audit, None, None,
            name, stored, rng.randint(80_000, 6_000_000), rng.hex(256), CONTENT_TYPES[extension],
            None, by, Clock.utc(at),
        )  # fmt: skip
