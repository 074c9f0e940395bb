"""The data of a self-assessment report, as the page, the PDF and the Excel file show it.

Plain values only (already translated strings, numbers, dates): the exports never query
(``IndicatorRow.shown`` translates "yes" and "no" in the locale the export runs in).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _


@dataclass(frozen=True)
class Comparison:
    """Average of a group and the enterprise's percentile in it (0–100), None when empty."""

    average: float | None
    percentile: float | None
    count: int


@dataclass(frozen=True)
class DimensionRow:
    key: str
    title: str
    score: float  # 0–100
    weight: float  # share of the total, 0–1
    all: Comparison
    industry: Comparison
    region: Comparison


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    direction: str  # 数字化 / 网络化 / 智能化 / 新模式新业态 (translated)
    title: str
    value: float | None  # a percentage; None when the denominator is zero
    kind: str  # "rate" (a percentage from counts) or "share" (the enterprise's yes/no as 100/0)

    def shown(self) -> str:
        """As the report prints it: a rate as a percentage; a "share" indicator as the
        enterprise's own yes or no — it is a share only across a region's enterprises (seed
        002, table 1: 企业比例), not 0 % or 100 % of one enterprise."""
        if self.value is None:
            return "—"
        if self.kind == "share":
            return _("Yes") if self.value >= 50 else _("No")
        return f"{self.value:.1f}%"


@dataclass(frozen=True)
class WeakArea:
    title: str
    score: float
    suggestion: str


@dataclass(frozen=True)
class HistoryPoint:
    year: int
    total: float
    stage: str


@dataclass(frozen=True)
class BenchmarkRow:
    """An enterprise of the same industry and province its authority names as an example."""

    name: str
    stage: str  # translated
    note: str


@dataclass(frozen=True)
class ReportData:
    locale: str  # "zh" or "en": the language every string above is already in
    enterprise_name: str
    credit_code: str
    region_name: str
    industry_name: str
    year: int
    questionnaire_title: str
    status: str
    submitted_at: datetime | None
    total: float
    stage: str
    stage_key: str
    dimensions: list[DimensionRow]
    indicators: list[IndicatorRow]
    weakest: list[WeakArea]
    history: list[HistoryPoint] = field(default_factory=list)
    generated_at: datetime | None = None
    # The weighted total compared like the dimensions: {"all"|"industry"|"region": Comparison}
    totals: dict[str, Comparison] = field(default_factory=dict)
    benchmarks: list[BenchmarkRow] = field(default_factory=list)
