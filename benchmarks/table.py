"""The benchmark's printed table: one row per workload, its throughput and latency against the
bare endpoint measured next to it, its queries per request and, for the exports, the peak
resident memory of a gunicorn worker."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.wrk import WrkResult

HEADERS = (
    "workload",
    "req/s",
    "× bare",
    "p50 ms",
    "p95 ms",
    "p95 × bare",
    "queries/req",
    "peak RSS MB",
    "errors",
)
RIGHT_ALIGNED = frozenset(range(1, len(HEADERS)))


@dataclass
class Row:
    key: str
    title: str
    result: WrkResult | None = None
    bare: WrkResult | None = None  # the bare endpoint's run this row is compared with
    queries: str = "—"
    peak_mb: float | None = None
    note: str = ""  # why the row has no figures (printed under the table)
    round_ratios: list[float] = field(default_factory=list)  # throughput × bare, per round


def median_round(rounds: list[tuple[WrkResult, WrkResult]]) -> tuple[WrkResult, WrkResult]:
    """Of (bare, workload) runs measured one after the other, the pair of median throughput
    ratio: a moment the machine was busier weighs on one round, not on the figure."""
    ordered = sorted(rounds, key=lambda pair: ratio(pair[1].rate, pair[0].rate) or 0.0)
    return ordered[(len(ordered) - 1) // 2]


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _latency(value: float) -> str:
    return number(value, 1 if value < 100 else 0)


def cells(row: Row) -> list[str]:
    if row.result is None:
        return [row.title, *["—"] * (len(HEADERS) - 1)]
    result, bare = row.result, row.bare
    return [
        row.title,
        number(result.rate),
        number(ratio(result.rate, bare.rate if bare else None), 2),
        _latency(result.percentile(50)),
        _latency(result.percentile(95)),
        number(ratio(result.percentile(95), bare.percentile(95) if bare else None), 1),
        row.queries,
        number(row.peak_mb),
        str(result.error_count),
    ]


def bare_row(runs: Sequence[WrkResult]) -> Row:
    """The bare endpoint's own row: the median run by throughput."""
    ordered = sorted(runs, key=lambda r: r.rate)
    median = ordered[(len(ordered) - 1) // 2]
    count = f"median of {len(runs)} runs" if len(runs) > 1 else "1 run"
    return Row("bare", f"bare endpoint ({count})", median, median, "1")


def render(rows: Sequence[Row]) -> str:
    table = [list(HEADERS), *(cells(row) for row in rows)]
    widths = [max(_width(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = []
    for n, line in enumerate(table):
        padded = [
            _pad(cell, widths[i], right=i in RIGHT_ALIGNED and n > 0) for i, cell in enumerate(line)
        ]
        lines.append("  ".join(padded).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: Sequence[Row]) -> str:
    """The same table in Markdown, for an issue or a note."""
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out.extend("| " + " | ".join(cells(row)) + " |" for row in rows)
    return "\n".join(out)


def spread(values: Sequence[float]) -> str:
    """min–max (median) of the bare endpoint's throughput over its runs."""
    if not values:
        return "—"
    middle = statistics.median_low(values)  # a run's figure, as bare_row() shows
    return f"{min(values):,.0f}–{max(values):,.0f} req/s (median {middle:,.0f})"


def _width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if _wide(c) else 1 for c in text)


def _wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap
