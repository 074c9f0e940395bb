"""Publicity batches (公示), one a week as the alliance announces them, counted in China's working
days by the app's own calendar; their entries and the objections lodged against them.

A batch gets an id when the first project is announced in it; only batches with entries are
written. Every batch whose period has ended is closed (the scheduler closes them the night
after); the current one is open, its projects in publicity.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.workdays import add_working_days
from benchmarks.dataset_core import Clock, Random, Rows, spread
from benchmarks.dataset_names import mobile, person

BATCH_COLUMNS = (
    "id", "title", "starts_on", "ends_on", "working_days", "estimated", "created_by_id",
    "created_at", "closed_at",
)  # fmt: skip
ENTRY_COLUMNS = (
    "id", "batch_id", "project_id", "enterprise_name", "region_name", "body_name", "scope",
    "removed_at",
)  # fmt: skip
OBJECTION_COLUMNS = (
    "id", "entry_id", "name", "contact", "reason", "address_hash", "created_at", "status",
    "decided_by_id", "decided_at", "decision_reason", "lock_version",
)  # fmt: skip
FIRST_MONDAY = date(2017, 10, 2)
OBJECTION_REASONS = (
    "该企业存在劳动纠纷，申请暂缓发证。",
    "据了解该企业贯标工作由咨询机构代做，实际未有效运行。",
    "企业名称与营业执照不一致，请核实。",
    "该企业近期发生环保处罚，是否符合评定条件？",
)
DISMISSALS = ("经核实，异议内容与两化融合管理体系评定无关。", "经核实，企业提交的材料真实有效。")
UPHOLDINGS = ("经核实异议属实，退回评定机构重新评定。",)


@dataclass(slots=True)
class Batch:
    starts_on: date
    ends_on: date
    working_days: int
    estimated: bool
    created_at: datetime  # local
    id: int = 0
    created_by: int = 0

    @property
    def closes_at(self) -> datetime:
        """When the night job closes it: shortly after midnight following the last day."""
        return datetime.combine(self.ends_on + timedelta(days=1), time(0, 20))


class Calendar:
    def __init__(self, rng: Random, clock: Clock, staff: list[int], working_days: int) -> None:
        self.rng, self.clock, self.staff = rng, clock, staff
        self.batches: list[Batch] = []
        monday = FIRST_MONDAY
        while monday <= clock.today + timedelta(days=14):
            period = add_working_days(monday, working_days)
            if not self.batches or period.start > self.batches[-1].starts_on:
                back = 3 if period.start.weekday() == 0 else 1
                created = datetime.combine(period.start - timedelta(days=back), time(10, 30))
                # The batch now in publicity was made before now, whatever the holidays.
                created = min(created, clock.now - timedelta(hours=1))
                self.batches.append(
                    Batch(period.start, period.end, period.working_days, period.estimated, created)
                )
            monday += timedelta(days=7)
        self._ends = [b.ends_on for b in self.batches]
        self._starts = [b.starts_on for b in self.batches]

    def use(self, rows: Rows, batch: Batch) -> Batch:
        if not batch.id:
            batch.id = rows.next_id("publicity_batches")
            batch.created_by = self.rng.choice(self.staff)
        return batch

    def closed_before(self, day: date) -> Batch:
        """The latest batch closed by ``day`` (its closing night before or on it)."""
        index = bisect.bisect_right(self._ends, day - timedelta(days=1)) - 1
        return self.batches[max(index, 0)]

    def containing(self, day: date) -> Batch:
        """The batch whose period holds ``day``, else the last one that ended before it."""
        index = bisect.bisect_right(self._starts, day) - 1
        return self.batches[max(index, 0)]

    def current(self) -> Batch:
        """The batch now in publicity: the first whose period has not ended."""
        index = bisect.bisect_left(self._ends, self.clock.today)
        return self.batches[min(index, len(self.batches) - 1)]

    def emit(self, rows: Rows) -> None:
        used = sorted((b for b in self.batches if b.id), key=lambda b: b.starts_on)
        per_year: dict[int, int] = {}
        for b in used:
            n = per_year[b.starts_on.year] = per_year.get(b.starts_on.year, 0) + 1
            title = f"{b.starts_on.year}年第{n}批两化融合管理体系评定结果公示"
            closed = Clock.utc(b.closes_at) if b.ends_on < self.clock.today else None
            rows.add("publicity_batches", b.id, title, b.starts_on, b.ends_on,
                     b.working_days, b.estimated, b.created_by,
                     Clock.utc(b.created_at), closed)  # fmt: skip


def entry(
    rows: Rows,
    batch: Batch,
    project: int,
    enterprise: str,
    region: str,
    body: str,
    scope: str,
    removed: datetime | None,
) -> int:
    entry_id = rows.next_id("publicity_entries")
    rows.add("publicity_entries", entry_id, batch.id, project, enterprise, region,
             body, scope, Clock.utc(removed))  # fmt: skip
    return entry_id


def objection(
    rng: Random,
    rows: Rows,
    entry_id: int,
    lodged: datetime,
    status: str,
    decided_by: int | None,
    decided: datetime | None,
) -> None:
    reason = {"upheld": UPHOLDINGS, "dismissed": DISMISSALS}.get(status)
    rows.add("objections", rows.next_id("objections"), entry_id, person(rng),
             mobile(rng), rng.choice(OBJECTION_REASONS), rng.hex(256),
             Clock.utc(lodged), status, decided_by, Clock.utc(decided),
             rng.choice(reason) if reason else "", 1)  # fmt: skip


def announce(
    rng: Random,
    rows: Rows,
    clock: Clock,
    batch: Batch,
    project: int,
    shown: tuple[str, str, str, str],
    *,
    upheld_at: datetime | None,
    current: bool,
    staff: list[int],
) -> None:
    """A project's entry in ``batch`` (``shown``: enterprise, region, body, scope, frozen)
    and the objections against it: one upheld at ``upheld_at`` (the entry removed then), now
    and then one dismissed before the batch closed, or, in the current batch, one still open."""
    entry_id = entry(rows, batch, project, *shown, upheld_at)
    start = datetime.combine(batch.starts_on, time(0))
    if upheld_at is not None:
        lodged = spread(rng, start + timedelta(hours=9), upheld_at - timedelta(hours=1), 1)[0]
        objection(rng, rows, entry_id, lodged, "upheld", rng.choice(staff), upheld_at)
    elif not current and rng.random() < 0.02:
        end = batch.closes_at - timedelta(hours=2)
        lodged, decided = spread(rng, start + timedelta(hours=9), end, 2)
        objection(rng, rows, entry_id, lodged, "dismissed", rng.choice(staff), decided)
    elif current and rng.random() < 0.15:
        window = min(clock.now, datetime.combine(batch.ends_on, time(23))) - start
        if window > timedelta(hours=1):
            lodged = start + timedelta(seconds=rng.randrange(int(window.total_seconds())))
            objection(rng, rows, entry_id, lodged, "open", None, None)
