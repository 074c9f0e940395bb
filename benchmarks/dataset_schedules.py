"""A certificate's surveillance schedule (blueprints/certificates/schedule.py): the first and
second surveillance evaluations 12 and 24 months after the effective date and the
recertification at expiry, each in the state its date and its certificate's story imply, with
the audit it was or is being worked with (its team, findings and answers).

Past its due date an item is done, or missed (the scheduler marks what was not done, whether
or not the certificate was still in force); within two months of it, open or planned; later,
open. A scenario fixes the items its story is about (the missed one, the recertification).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from benchmarks.dataset_core import Clock, Random
from benchmarks.dataset_findings import Auditor
from blueprints.certificates.services import scope_sentence

if TYPE_CHECKING:  # benchmarks.dataset_certificates imports this module
    from benchmarks.dataset_certificates import Cert

MONTHS = {"surveillance_1": 12, "surveillance_2": 24}


class Schedules:
    def __init__(self, rng: Random, clock: Clock, auditor: Auditor, staff: list[int]) -> None:
        self.rng, self.clock, self.auditor, self.staff = rng, clock, auditor, staff

    def plan(
        self,
        cert: Cert,
        out_of_force: date | None,
        fixed: dict[str, str],
        recertified: tuple[datetime, int] | None = None,
    ) -> None:
        """The three items; ``recertified``: when the new certificate was issued, and who
        passed the compliance review of the recommendation (the issuer is someone else)."""
        rng, today = self.rng, self.clock.today
        dues = {kind: cert.effective + relativedelta(months=m) for kind, m in MONTHS.items()}
        dues["recertification"] = cert.expires
        for kind, due in dues.items():
            status = fixed.get(kind)
            if status is None:
                if out_of_force is not None and due >= out_of_force:
                    status = "missed" if due < today else "open"
                elif due < today:
                    status = "done"
                elif kind != "recertification" and (due - today).days <= 60:
                    status = rng.choice(("open", "planned"))
                else:
                    status = "open"
            self._item(cert, kind, due, status, recertified if kind == "recertification" else None)

    def _item(
        self,
        cert: Cert,
        kind: str,
        due: date,
        status: str,
        recertified: tuple[datetime, int] | None,
    ) -> None:
        rng, today, now = self.rng, self.clock.today, self.clock.now
        audit_id: int | None = None
        completed: date | None = None
        recommended: datetime | None = None
        reviewer: int | None = None
        audit_kind = "recertification" if kind == "recertification" else "surveillance"
        if status in ("done", "recommended", "reviewed", "not_recommended"):
            if recertified is not None:  # recommended and reviewed before the new issue
                reviewed = rng.working_time((recertified[0] - rng.days(2, 10)).date())
                recommended = rng.working_time((reviewed - rng.days(3, 10)).date())
                reviewer = recertified[1]
                completed = recommended.date()
            else:
                latest = min(due, today) - timedelta(days=1)
                completed = rng.day_between(latest - timedelta(days=45), latest)
                if status in ("recommended", "reviewed"):
                    recommended = rng.working_time(completed)
                    reviewer = rng.choice(self.staff) if status == "reviewed" else None
            conclusion = datetime.combine(completed, time(16))
            mode = "failed" if status == "not_recommended" else "resolved"
            audit_id = self._audit(
                cert, audit_kind, completed - rng.days(2, 20), completed, mode, conclusion
            )
            if recertified is not None:
                completed = recertified[0].date()
            elif status != "done":
                completed = None
        elif status == "planned":
            planned = rng.working_time(today - rng.days(1, 20))
            starts = max(
                min(planned.date() + rng.days(5, 40), due - timedelta(days=1)),
                planned.date() + timedelta(days=1),
            )
            mode = "logging" if starts < today else "none"
            audit_id = self._audit(cert, audit_kind, starts, None, mode, now, planned=planned)
        cert.items.append((kind, due, status, completed, audit_id, recommended, reviewer))

    def _audit(
        self,
        cert: Cert,
        kind: str,
        starts: date,
        completed: date | None,
        mode: str,
        deadline: datetime,
        planned: datetime | None = None,
    ) -> int:
        rng = self.rng
        source = cert.source
        ends = starts + rng.days(0, 1)
        if completed is not None:
            ends = min(ends, completed)
        planned = planned or rng.working_time(starts - rng.days(7, 40))
        return self.auditor.audit(
            project=source.project,
            kind=kind,
            planned=planned,
            starts_on=starts,
            ends_on=ends,
            completed_on=completed,
            scope=scope_sentence(cert.address, cert.name, source.capabilities),
            sites=cert.address,
            team=self.auditor.team(source.body.people),
            enterprise_user=source.enterprise.contact_id,
            mode=mode,
            deadline=deadline,
        )
