"""The scheduler's daily sweep removes the import results nobody will open again."""

from __future__ import annotations

import os
import time

from blueprints.roster import results
from blueprints.roster.tasks import forget_old_import_results


def test_old_results_go_and_fresh_ones_stay(app_ctx):
    folder = results._folder()
    folder.mkdir(parents=True, exist_ok=True)
    old, fresh = folder / f"7-{'a' * 32}.json", folder / f"8-{'b' * 32}.json"
    for path in (old, fresh):
        path.write_text("{}", encoding="utf-8")
    week_ago = time.time() - results.KEEP_FOR - 60
    os.utime(old, (week_ago, week_ago))
    try:
        assert forget_old_import_results() == "import results removed: 1"
        assert not old.exists() and fresh.exists()
    finally:
        fresh.unlink(missing_ok=True)
