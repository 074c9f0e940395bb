"""The diagnosis report as a PDF: the sections the provider wrote, then what the record
holds, generated from the data (the work group, the meetings and visits, the verified
indicators, the SME grading beside the self-evaluation, the enterprise's survey) — the
template's annexes (seed 004 annex 3, part 五; seed 002 annex 2)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app import pdf_layout
from app.fonts import cjk_font
from app.i18n import format_moment
from app.pdf_layout import MARGIN, para, styles
from blueprints.engagements import grading, indicators, team
from models import DiagnosisEngagement, SurveyRating

WIDTH = A4[0] - 2 * MARGIN


def _widths(*weights: float) -> list[float]:
    return [WIDTH * w / sum(weights) for w in weights]


def _table(st: dict, header: list[str], rows: Sequence[Sequence[object]], *weights: float):
    cells = [[para(h, st["head"]) for h in header]]
    cells += [[para("" if v is None else v, st["cell"]) for v in row] for row in rows]
    return pdf_layout.grid(cells, _widths(*weights), st)


def _percent(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def report_pdf(engagement: DiagnosisEngagement) -> bytes:
    locale = str(get_locale() or "zh")
    programme = team.programme_of(engagement)
    font = cjk_font()
    st = styles(font)
    report_form = next((f for f in programme.forms if f.key == "report"), None)
    title = report_form.title.get(locale) if report_form else _("Diagnosis report")
    submitted = engagement.report_submitted_at
    story: list = [
        para(title, st["title"]),
        para(engagement.enterprise.name, st["name"]),
        para(
            f"{programme.title.get(locale)} · {engagement.provider.name}"
            + (f" · {format_moment(submitted, 'short')}" if submitted else ""),
            st["label"],
        ),
    ]
    for section in programme.report.sections:
        story.append(para(section.title.get(locale), st["h2"]))
        story.append(para(engagement.report.get(section.key, "") or "—", st["body"]))

    story.append(para(_("The record of the diagnosis"), st["h2"]))
    story.append(para(_("Work group"), st["h3"]))
    members = [
        [
            m.name,
            m.unit,
            m.title.title,
            _("Lead") if m.lead else "",
            m.pledged_on.isoformat() if m.pledged_on else _("Not signed"),
        ]
        for m in engagement.members
    ]
    story.append(
        _table(
            st,
            [
                _("Name"),
                _("Unit"),
                _("Professional title"),
                _("Role in the group"),
                _("Confidentiality pledge"),
            ],
            members,
            2,
            3,
            2,
            1.2,
            1.6,
        )
    )
    story += [Spacer(1, 3 * mm), para(_("Meetings, trainings and visits"), st["h3"])]
    activities = [
        [
            a.kind.title,
            f"{a.started_at:%Y-%m-%d %H:%M} – {a.ended_at:%H:%M}",
            a.topic,
            len(a.attendees.splitlines()) if a.attendees else 0,
            sum(f.kind == "photo" for f in a.files),
        ]
        for a in engagement.activities
    ]
    story.append(
        _table(
            st,
            [_("What"), _("When"), _("Topic"), _("Signed in"), _("Photos")],
            activities,
            1.6,
            2.4,
            3,
            1,
            1,
        )
    )
    if indicators.graded_by_indicators(engagement):
        story += [Spacer(1, 3 * mm), para(_("Key indicators verified on site"), st["h3"])]
        rows = [
            [
                r.indicator.title.get(locale),
                _percent(r.self_value),
                _percent(r.verified_value),
                r.note,
            ]
            for r in indicators.rows(engagement)
        ]
        story.append(
            _table(
                st,
                [_("Indicator"), _("Self-assessment"), _("Verified"), _("Note")],
                rows,
                4,
                1.3,
                1.3,
                3,
            )
        )
    compared = (
        grading.comparison(engagement, locale) if grading.graded_by_sme_level(engagement) else None
    )
    if compared is not None:
        story += [
            Spacer(1, 3 * mm),
            para(_("Digital level: self-evaluation and on-site evaluation"), st["h3"]),
        ]
        grades = []
        for label, result in (
            (_("Self-evaluation"), compared.own_grading),
            (_("On-site evaluation"), compared.on_site_grading),
        ):
            if result is None:
                grades.append([label, _("The enterprise has not evaluated itself."), ""])
            else:
                grade = result.grade.title.get(locale) if result.grade else _("No grade")
                grades.append([label, grade, f"{result.points:g}"])
        story.append(_table(st, ["", _("Grade"), _("Points")], grades, 2, 3, 1.5))
    if engagement.surveyed_at is not None:
        story += [Spacer(1, 3 * mm), para(_("The enterprise's survey"), st["h3"])]
        ratings = [
            [c.title.get(locale), _rating(engagement.ratings.get(c.key))]
            for c in programme.satisfaction.criteria
        ]
        ratings.append(
            [_("Overall verdict"), engagement.verdict.title if engagement.verdict else ""]
        )
        ratings.append(
            [
                _("The report's suggestions"),
                engagement.adoption.title if engagement.adoption else "",
            ]
        )
        story.append(_table(st, ["", ""], ratings, 5, 1.5))
    return pdf_layout.build(
        story,
        font=font,
        title=title,
        locale=locale,
        footer_left=f"Certpath · {engagement.enterprise.name}",
    )


def _rating(value: str | None) -> str:
    return str(SurveyRating(value).title) if value else "—"
