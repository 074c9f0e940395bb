"""The scheduler's daily sweep removes the import results nobody will open again, in the
upload store (the local folder, an S3 bucket)."""

from __future__ import annotations

import io
import time

from blueprints.roster import results
from blueprints.roster.tasks import forget_old_import_results


def test_old_results_go_and_fresh_ones_stay(app_ctx, store):
    week_ago = int(time.time() - results.KEEP_FOR - 60)
    old = f"roster-imports/7-{week_ago:08x}{'a' * 24}.json"
    fresh = f"roster-imports/8-{int(time.time()):08x}{'b' * 24}.json"
    for key in (old, fresh):
        store.put(key, io.BytesIO(b"{}"))
    assert forget_old_import_results() == "import results removed: 1"
    assert not store.exists(old) and store.exists(fresh)
