"""The programme board as a workbook: the stages by county and by sub-industry, the grades
before and after, the money by county, and the projects overdue."""

from __future__ import annotations

from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.excel import Sheet, write_xlsx
from blueprints.reference.names import region_name
from blueprints.reform.board import STAGES, Board, Funnel

MONEY = "#,##0.00"
_STAGE_TITLES = {
    "enrolled": _l("Enrolled in the programme"),
    "diagnosed": _l("Diagnosed"),
    "reforming": _l("Reforming"),
    "graded": _l("Graded"),
    "accepted": _l("Accepted"),
    "subsidised": _l("Subsidised"),
}


def stage_titles() -> dict[str, str]:
    return {stage: str(title) for stage, title in _STAGE_TITLES.items()}


def _grade(mean: float | None) -> float | str:
    return round(mean, 2) if mean is not None else ""


def _funnel_row(name: str, funnel: Funnel) -> list[object]:
    return [
        name,
        *(funnel.counts[s] for s in STAGES),
        _grade(funnel.before_mean),
        _grade(funnel.after_mean),
        funnel.on_target,
    ]


def write(board: Board, out: IO[bytes]) -> None:
    titles = stage_titles()
    funnel_header = [
        *(titles[s] for s in STAGES),
        _("Mean grade before"),
        _("Mean grade after"),
        _("Grade 2 or above after"),
    ]
    target = (
        _("Target: %(n)d enterprises by %(date)s", n=board.target, date=board.target_by.isoformat())
        if board.target and board.target_by
        else None
    )
    by_county = Sheet(
        _("By county"),
        [_("County or district"), *funnel_header],
        [
            *(_funnel_row(g.name, board.by_county(g.code)) for g in board.counties),
            _funnel_row(_("In all"), board.total),
        ],
        caption=target,
    )
    by_sub = Sheet(
        _("By sub-industry"),
        [_("Sub-industry"), *funnel_header],
        [
            *(
                _funnel_row(g.name or _("Other industries"), board.by_sub_industry(g.code))
                for g in board.sub_industries
            ),
            _funnel_row(_("In all"), board.total),
        ],
        caption=target,
    )
    grades = Sheet(
        _("Grades before and after"),
        [_("Grade before the reform"), _("Grade after the reform"), _("Enterprises")],
        [
            [before if before is not None else _("Not graded on site"), after, n]
            for (before, after), n in sorted(board.grades.items(), key=_grade_order)
        ],
    )
    money_rows = [
        [region_name(code) or code, m.projects, m.budget, m.contracted, m.approved, m.paid]
        for code, m in sorted(board.money.items())
    ]
    total = board.money_total
    money_rows.append(
        [_("In all"), total.projects, total.budget, total.contracted, total.approved, total.paid]
    )
    money = Sheet(
        _("Spending"),
        [
            _("County or district"),
            _("Projects filed"),
            _("Budget (yuan)"),
            _("Contracts (yuan)"),
            _("Subsidies approved (yuan)"),
            _("Subsidies paid (yuan)"),
        ],
        money_rows,
        formats={2: MONEY, 3: MONEY, 4: MONEY, 5: MONEY},
    )
    late = Sheet(
        _("Overdue"),
        [_("Project"), _("Enterprise"), _("County or district"), _("Planned end")],
        [
            [r.name, r.enterprise, region_name(r.county) or r.county, r.ends_on]
            for r in board.late_reforms
        ],
        note=_(
            "%(shown)d of %(n)d projects still in implementation after their planned end.",
            shown=len(board.late_reforms),
            n=board.late_reforms_total,
        ),
    )
    write_xlsx([by_county, by_sub, grades, money, late], out, title=_("Programme board"))


def _grade_order(item: tuple[tuple[int | None, int], int]) -> tuple[int, int]:
    (before, after), _n = item
    return (-1 if before is None else before, after)
