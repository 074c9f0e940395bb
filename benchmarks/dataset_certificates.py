"""Certificates in every status, with the history that led there, the holders' requests and
the surveillance schedule (12 and 24 months after the effective date, the recertification at
expiry) with the audits its items were worked with.

Each certified project follows a scenario whose window of effective dates makes it true today:

========================  ==================================================================
valid                     in force; past evaluations done, the next ones open or planned
valid_recert              expiry within 5 months: the recertification planned, recommended,
                          reviewed or not recommended
restored                  a missed surveillance suspended it; the alliance restored it
suspended                 a surveillance missed (or concluded with a suspension) lately
revoked                   suspended for more than 6 months, or revoked by the alliance
cancelled                 at the holder's request
expired                   past its expiry without recertification
reissued                  superseded by a reissue (a new name or address, issue digits + 1)
recertified               superseded by the new certificate of a recertification
========================  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from benchmarks.dataset_core import Clock, Random, Rows, scaled
from benchmarks.dataset_findings import Auditor
from benchmarks.dataset_names import street_address
from benchmarks.dataset_projects import Certified
from benchmarks.dataset_schedules import MONTHS, Schedules
from blueprints.certificates.services import STANDARD, expiry_for, format_number, scope_sentence

CERTIFICATE_COLUMNS = (
    "id", "number", "body_id", "serial", "issue_no", "project_id", "organisation_id",
    "enterprise_name", "address", "region_code", "capabilities", "scope", "standard",
    "effective_on", "expires_on", "issued_at", "status", "status_changed_at", "supersedes_id",
    "lock_version",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "certificate_id", "action", "from_status", "to_status", "actor_id", "reason",
    "created_at",
)  # fmt: skip
REQUEST_COLUMNS = (
    "id", "certificate_id", "kind", "reason", "new_name", "new_address", "created_by_id",
    "created_at", "handled_at", "handled_by_id", "outcome", "decision_reason", "lock_version",
)  # fmt: skip
ITEM_COLUMNS = (
    "id", "certificate_id", "kind", "due_on", "status", "completed_on", "audit_id",
    "recommended_at", "compliance_by_id", "created_at", "lock_version",
)  # fmt: skip
SERIAL_COLUMNS = ("body_id", "last_serial")
SCENARIOS = {
    "valid": 8200, "valid_recert": 900, "restored": 200, "suspended": 500, "revoked": 500,
    "cancelled": 500, "expired": 3000, "reissued": 1000, "recertified": 2200,
}  # fmt: skip
FIRST_DAY = date(2018, 1, 2)
TITLES = {"surveillance_1": "第一次监督评定", "surveillance_2": "第二次监督评定"}
NIGHT = time(0, 10)  # when the scheduler's daily consequences land


def plan(rng: Random, today: date, scale: float) -> list[tuple[str, date]]:
    """(scenario, effective date of the first certificate) per certified project."""
    three = relativedelta(years=3)
    windows = {
        "valid": (today - three + timedelta(days=1), today - timedelta(days=5)),
        "valid_recert": (today + timedelta(days=10) - three, today + timedelta(days=150) - three),
        "restored": (today - three + timedelta(days=1), today - relativedelta(months=12, days=70)),
        "cancelled": (FIRST_DAY, today - timedelta(days=70)),
        "revoked": (FIRST_DAY, today - timedelta(days=40)),
        "expired": (FIRST_DAY, today - three - timedelta(days=2)),
        "reissued": (today - three + timedelta(days=1), today - timedelta(days=40)),
        "recertified": (
            today - relativedelta(years=6) + timedelta(days=10),
            today - three + timedelta(days=60),
        ),
        "suspended": (today, today),  # drawn from the missed evaluation below
    }
    chosen: list[tuple[str, date]] = []
    for scenario, base in SCENARIOS.items():
        for _ in range(scaled(base, scale)):
            first, last = windows[scenario]
            effective = rng.day_between(max(first, FIRST_DAY), last)
            if scenario == "suspended":
                missed = rng.day_between(today - timedelta(days=170), today - timedelta(days=2))
                effective = missed - relativedelta(months=rng.choice((12, 24)))
            chosen.append((scenario, effective))
    return chosen


@dataclass(frozen=True)
class Request:
    cert: Cert
    kind: str
    reason: str
    new_name: str
    new_address: str
    created: datetime
    handled: datetime | None
    handled_by: int | None
    outcome: str | None
    decision: str


@dataclass(eq=False)
class Cert:
    source: Certified
    issued: datetime  # local
    effective: date
    expires: date
    name: str
    address: str
    issue_no: int = 1
    supersedes: Cert | None = None
    status: str = "valid"
    changed: datetime | None = None
    id: int = 0
    serial: int = 0
    number: str = ""
    events: list[tuple[str, str | None, str, int | None, datetime, str | Cert]] = field(
        default_factory=list
    )
    items: list[tuple[str, date, str, date | None, int | None, datetime | None, int | None]] = (
        field(default_factory=list)
    )
    items_created: datetime | None = None

    def move(
        self, action: str, target: str, actor: int | None, at: datetime, reason: str | Cert = ""
    ) -> None:
        self.events.append((action, self.status, target, actor, at, reason))
        self.status, self.changed = target, at


class CertificateWriter:
    def __init__(
        self, rng: Random, rows: Rows, clock: Clock, auditor: Auditor, staff: list[int]
    ) -> None:
        self.rng, self.rows, self.clock, self.staff = rng, rows, clock, staff
        self.schedules = Schedules(rng, clock, auditor, staff)
        self.certs: list[Cert] = []
        self.requests: list[Request] = []

    def build(self, certified: list[Certified]) -> None:
        for c in certified:
            first = Cert(
                c,
                c.issued,
                c.issued.date(),
                expiry_for(c.issued.date()),
                c.enterprise.name,
                c.enterprise.address,
            )
            first.events.append(("issue", None, "valid", c.issuer, c.issued, ""))
            self.certs.append(first)
            getattr(self, f"_{c.scenario}")(first)
        self._emit()

    # --- scenarios ----------------------------------------------------------------------------

    def _valid(self, cert: Cert) -> None:
        self.schedules.plan(cert, None, {})
        roll = self.rng.random()
        if roll < 0.015:
            self._request(cert, open_=True)
        elif roll < 0.02:
            self._request(cert, open_=False)

    def _valid_recert(self, cert: Cert) -> None:
        status = self.rng.choice(("open", "planned", "recommended", "reviewed", "not_recommended"))
        self.schedules.plan(cert, None, {"recertification": status})

    def _restored(self, cert: Cert) -> None:
        due = cert.effective + relativedelta(months=12)
        suspended = datetime.combine(due + timedelta(days=1), NIGHT)
        cert.move("suspend_overdue", "suspended", None, suspended, _overdue("surveillance_1", due))
        restored = self.rng.working_time(
            min(
                due + timedelta(days=self.rng.randint(10, 60)), self.clock.today - timedelta(days=1)
            )
        )
        cert.move(
            "restore", "valid", self.rng.choice(self.staff), restored, "监督评定已补做，恢复证书。"
        )
        self.schedules.plan(cert, None, {"surveillance_1": "missed"})

    def _suspended(self, cert: Cert) -> None:
        today = self.clock.today
        kind = next(
            k
            for k, m in MONTHS.items()
            if today - timedelta(days=175) <= cert.effective + relativedelta(months=m) < today
        )
        due = cert.effective + relativedelta(months=MONTHS[kind])
        cert.move(
            "suspend_overdue",
            "suspended",
            None,
            datetime.combine(due + timedelta(days=1), NIGHT),
            _overdue(kind, due),
        )
        self.schedules.plan(cert, None, {kind: "missed"})

    def _revoked(self, cert: Cert) -> None:
        rng, today = self.rng, self.clock.today
        missed = cert.effective + relativedelta(months=12)
        revoke_on = missed + timedelta(days=1) + relativedelta(months=6, days=1)
        if rng.random() < 0.6 and revoke_on < today:
            suspended = datetime.combine(missed + timedelta(days=1), NIGHT)
            cert.move(
                "suspend_overdue", "suspended", None, suspended, _overdue("surveillance_1", missed)
            )
            cert.move(
                "revoke_long_suspension",
                "revoked",
                None,
                datetime.combine(revoke_on, NIGHT),
                "暂停超过 6 个月。",
            )
            self.schedules.plan(cert, revoke_on, {"surveillance_1": "missed"})
            return
        last = min(cert.expires - timedelta(days=1), today - timedelta(days=1))
        revoked = rng.working_time(rng.day_between(cert.effective + timedelta(days=30), last))
        cert.move(
            "revoke",
            "revoked",
            rng.choice(self.staff),
            revoked,
            "企业发生重大质量安全事故，不再满足评定要求。",
        )
        self.schedules.plan(cert, revoked.date(), {})

    def _cancelled(self, cert: Cert) -> None:
        rng, today = self.rng, self.clock.today
        last = min(cert.expires - timedelta(days=1), today - timedelta(days=1))
        cancelled = rng.working_time(rng.day_between(cert.effective + timedelta(days=60), last))
        staff = rng.choice(self.staff)
        reason = "企业申请注销：生产经营调整，不再保持两化融合管理体系。"
        cert.move("cancel", "cancelled", staff, cancelled, reason)
        self._request(cert, open_=False, kind="cancel", handled=cancelled, by=staff, reason=reason)
        self.schedules.plan(cert, cancelled.date(), {})

    def _expired(self, cert: Cert) -> None:
        status = "missed" if self.rng.random() < 0.7 else "not_recommended"
        self.schedules.plan(cert, cert.expires + timedelta(days=1), {"recertification": status})
        cert.move(
            "expire", "expired", None, datetime.combine(cert.expires + timedelta(days=1), NIGHT)
        )

    def _reissued(self, cert: Cert) -> None:
        rng, today = self.rng, self.clock.today
        at = rng.working_time(
            rng.day_between(cert.effective + timedelta(days=30), today - timedelta(days=1))
        )
        name, address = cert.name, cert.address
        if name.endswith("有限公司") and "股份" not in name and rng.random() < 0.5:
            name, reason = name[: -len("有限公司")] + "股份有限公司", "企业名称变更"
        else:
            address, reason = self._moved(cert), "企业地址变更"
        staff = rng.choice(self.staff)
        self._request(
            cert,
            open_=False,
            kind="reissue",
            handled=at,
            by=staff,
            reason=reason,
            new_name=name if name != cert.name else "",
            new_address=address if address != cert.address else "",
        )
        cert.move("reissue", "superseded", staff, at, reason)
        new = Cert(
            cert.source,
            at,
            cert.effective,
            cert.expires,
            name,
            address,
            issue_no=cert.issue_no + 1,
            supersedes=cert,
        )
        new.events.append(("reissue", None, "valid", staff, at, reason))
        new.items_created = cert.issued  # the schedule moved over with its dates
        self.certs.append(new)
        self.schedules.plan(new, None, {})

    def _recertified(self, cert: Cert) -> None:
        rng = self.rng
        expiry = cert.expires
        issued = rng.working_time(
            rng.day_between(
                expiry - timedelta(days=75),
                min(expiry - timedelta(days=5), self.clock.today - timedelta(days=1)),
            )
        )
        staff_a, staff_b = rng.sample(self.staff, 2)
        self.schedules.plan(cert, None, {"recertification": "done"}, recertified=(issued, staff_a))
        e = cert.source.enterprise
        new = Cert(
            cert.source, issued, expiry, expiry_for(expiry), e.name, e.address, supersedes=cert
        )
        new.events.append(("recertify", None, "valid", staff_b, issued, cert))
        cert.move("recertify", "superseded", staff_b, issued, new)
        self.certs.append(new)
        self.schedules.plan(new, None, {})

    # --- holder requests ----------------------------------------------------------------------

    def _request(
        self,
        cert: Cert,
        *,
        open_: bool,
        kind: str | None = None,
        handled: datetime | None = None,
        by: int | None = None,
        reason: str = "",
        new_name: str = "",
        new_address: str = "",
    ) -> None:
        """A holder's request: carried out (``handled``), declined, or still open."""
        rng, today = self.rng, self.clock.today
        kind = kind or rng.choice(("cancel", "reissue"))
        if kind == "reissue" and not (new_name or new_address):
            new_address = self._moved(cert)
        reason = reason or ("企业地址变更" if kind == "reissue" else "企业停产，申请注销证书。")
        outcome: str | None = "done" if handled else None
        if handled is not None:
            created = rng.working_time(max(cert.effective, (handled - rng.days(3, 20)).date()))
        elif open_ or cert.effective + timedelta(days=10) > today - timedelta(days=20):
            created = rng.working_time(
                max(cert.effective + timedelta(days=1), today - rng.days(1, 20))
            )
        else:  # declined a while ago
            day = rng.day_between(cert.effective + timedelta(days=10), today - timedelta(days=20))
            created = rng.working_time(day)
            handled, by, outcome = created + rng.days(2, 10), rng.choice(self.staff), "declined"
        decision = "证书信息无需变更，请按原证书使用。" if outcome == "declined" else ""
        self.requests.append(
            Request(
                cert, kind, reason, new_name, new_address, created, handled, by, outcome, decision
            )
        )

    def _moved(self, cert: Cert) -> str:
        """A new address in the same county."""
        return street_address(self.rng, cert.source.enterprise.region_names.replace(" ", ""))

    # --- rows --------------------------------------------------------------------------------

    def _emit(self) -> None:
        rows = self.rows
        serials: dict[int, int] = {}
        self.certs.sort(key=lambda c: c.issued)
        for cert in self.certs:
            cert.id = rows.next_id("certificates")
            body = cert.source.body
            if cert.issue_no == 1:
                cert.serial = serials[body.id] = serials.get(body.id, 0) + 1
            else:
                assert cert.supersedes is not None
                cert.serial = cert.supersedes.serial
        for cert in self.certs:
            s = cert.source
            number = format_number(
                s.body.code or "", cert.effective.year, cert.serial, cert.issue_no
            )
            rows.add("certificates", cert.id, number, s.body.id, cert.serial,
                     cert.issue_no, s.project, s.enterprise.id, cert.name,
                     cert.address, s.enterprise.county, s.capabilities,
                     scope_sentence(cert.address, cert.name, s.capabilities),
                     STANDARD, cert.effective, cert.expires, Clock.utc(cert.issued),
                     cert.status, Clock.utc(cert.changed or cert.issued),
                     cert.supersedes.id if cert.supersedes else None, 1)  # fmt: skip
            cert.number = number
        for cert in self.certs:
            for action, source, target, actor, at, reason in cert.events:
                text = reason.number if isinstance(reason, Cert) else reason
                rows.add("certificate_events", rows.next_id("certificate_events"),
                         cert.id, action, source, target, actor, text,
                         Clock.utc(at))  # fmt: skip
            created = Clock.utc(cert.items_created or cert.issued)
            for kind, due, status, completed, audit, recommended, reviewer in cert.items:
                rows.add("schedule_items", rows.next_id("schedule_items"), cert.id,
                         kind, due, status, completed, audit,
                         Clock.utc(recommended), reviewer, created, 1)  # fmt: skip
        for r in self.requests:
            rows.add("certificate_requests", rows.next_id("certificate_requests"),
                     r.cert.id, r.kind, r.reason, r.new_name, r.new_address,
                     r.cert.source.enterprise.contact_id, Clock.utc(r.created),
                     Clock.utc(r.handled), r.handled_by, r.outcome, r.decision, 1)  # fmt: skip
        for body_id, last in sorted(serials.items()):
            rows.add("body_serials", body_id, last)


def _overdue(kind: str, due: date) -> str:
    return f"{TITLES[kind]}未在 {due.isoformat()} 前完成。"
