"""The progress reports and the progress page in Excel (the engagements list's own is
engagement_list's, through app.lists.list_xlsx)."""

from __future__ import annotations

from typing import IO, Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from app.clock import local_time
from app.excel import Sheet, write_xlsx
from app.extensions import db
from blueprints.engagements import progress, progress_reports, services
from models import ActivityKind, EngagementStatus

CHUNK = 1000


def reports_xlsx(query: sa.Select, out: IO[bytes]) -> None:
    """The progress reports as listed: the period, and the figures kept when reported."""
    locale = str(get_locale() or "zh")
    titles = {key: p.title.get(locale) for key, p in services.programme_titles()}
    under_way = [s.value for s in progress_reports.UNDER_WAY]
    rows = (
        [
            r.id,
            titles.get(r.programme_key, r.programme_key),
            r.provider,
            r.authority,
            r.period_start,
            r.period_end,
            local_time(r.submitted_at),
            sum(r.figures.get(s, 0) for s in under_way),
            r.figures.get(EngagementStatus.ACCEPTED.value, 0),
            r.figures.get(f"activity_{ActivityKind.VISIT.value}", 0),
            r.figures.get(f"activity_{ActivityKind.TRAINING.value}", 0),
            r.figures.get("reports_submitted", 0),
        ]
        for r in db.session.execute(query.execution_options(yield_per=CHUNK))
    )
    header = [
        _("No."),
        _("Programme"),
        _("Provider"),
        _("Authority"),
        _("Period from"),
        _("Period to"),
        _("Reported at"),
        _("Engagements under way"),
        _("Accepted"),
        _("Visits in the period"),
        _("Trainings in the period"),
        _("Reports submitted in the period"),
    ]
    title = _("Progress reports")
    write_xlsx([Sheet(title, header, rows)], out, title=title)


def progress_xlsx(shown: progress.Progress, definitions: list[Any], out: IO[bytes]) -> None:
    """The progress page as a workbook: states by provider, the overdue engagements, the
    grades, the verified indicators by prefecture and by industry."""
    locale = str(get_locale() or "zh")
    statuses = list(EngagementStatus)
    sheets = [
        Sheet(
            _("By provider"),
            [_("Provider"), *(s.title for s in statuses), _("In all")],
            [[r.name, *(r.counts.get(s, 0) for s in statuses), r.total] for r in shown.providers],
            caption=shown.programme.title.get(locale),
        ),
        Sheet(
            _("Overdue"),
            [_("No."), _("Enterprise"), _("Status"), _("Agreement ends")],
            [[r.id, r.enterprise, r.status.title, r.agreement_ends_on] for r in shown.overdue],
        ),
    ]
    if shown.grades:
        sheets.append(
            Sheet(
                _("Grades"),
                [_("Grade"), _("Self-evaluation"), _("On-site evaluation")],
                [[level, own, on_site] for level, own, on_site in shown.grades],
            )
        )
    if shown.overall is not None:
        for title, groups in ((_("By prefecture"), shown.by_region),
                              (_("By industry"), shown.by_industry)):  # fmt: skip
            sheets.append(
                Sheet(
                    title,
                    [
                        _("Code"),
                        _("Name"),
                        _("Enterprises"),
                        *(d.title.get(locale) for d in definitions),
                    ],
                    [
                        [
                            g.code,
                            g.name,
                            g.enterprises,
                            *(_rounded(g.verified.get(d.key)) for d in definitions),
                        ]
                        for g in groups
                    ],
                )
            )
    write_xlsx(sheets, out, title=_("Diagnosis progress"))


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
