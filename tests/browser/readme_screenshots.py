"""Refresh the README's screenshots from the browser suite's (run the suite first):
``python -m tests.browser.readme_screenshots``. Each is the top of the page, half size, in a
256-colour palette, so that the repository stays small."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "test-artifacts" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
CHOSEN = {  # name: height of the top part kept, in page pixels
    "portal-home-zh": 1000,
    "dashboard-alliance-zh": 1700,
    "organisations-zh": 800,
    "dashboard-enterprise-zh": 700,
    "self-assessment-report-zh": 1100,
    "project-certified-zh": 1000,
    "audit-findings-zh": 1000,
    "publicity-zh": 600,
    "certificate-verification-en": 800,
}


def main() -> int:
    missing = [name for name in CHOSEN if not (SOURCE / f"{name}.png").exists()]
    if missing:
        print(f"run the browser suite first; missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, height in CHOSEN.items():
        with Image.open(SOURCE / f"{name}.png") as page:
            top = page.convert("RGB").crop((0, 0, page.width, min(height, page.height)))
        small = top.resize((top.width // 2, top.height // 2), Image.Resampling.LANCZOS)
        small.quantize(colors=256).save(TARGET / f"{name}.png", optimize=True)
        print(TARGET / f"{name}.png", (TARGET / f"{name}.png").stat().st_size // 1024, "KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
