"""The outcome of an import, kept for the one who ran it: the result page and its error report.

The import answers with a redirect to its result, so a reload shows the result again rather
than importing the file twice. The outcome lives as a small JSON object in the upload store
(``roster-imports/<user id>-<token>.json``; the local folder or the bucket every node reads,
so the node that shows the result needs not be the one that imported): the token is random
after the moment it was made, and only the user whose id is in the key can open it — another
user asking for the same token finds nothing. The reasons of refused rows are kept as kinds
and values and put into words when read, in the reader's language. Outcomes older than
KEEP_FOR go when their user imports again, and every day with the scheduler's sweep
(``forget_expired``).
"""

from __future__ import annotations

import io
import json
import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _

from app import storage
from app.excel import Sheet
from blueprints.roster.importing import Outcome, Refused
from blueprints.roster.problems import Problem, describe

KEEP_FOR = 7 * 24 * 3600  # seconds
# 8 hex digits of the Unix time it was made (the sweep reads its age there), 24 random.
_TOKEN = re.compile(r"[0-9a-f]{32}")
_PREFIX = "roster-imports/"


def _key(user_id: int, token: str) -> str | None:
    """Where an outcome is kept; None for a token that is not one of ours (a path, "..")."""
    return f"{_PREFIX}{int(user_id)}-{token}.json" if _TOKEN.fullmatch(token) else None


def _made_at(key: str) -> int | None:
    token = key.rpartition("-")[2].removesuffix(".json")
    return int(token[:8], 16) if _TOKEN.fullmatch(token) else None


def _as_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "file_name": outcome.file_name,
        "created": outcome.created,
        "updated": outcome.updated,
        "refused": [
            {
                "row": row.number,
                "credit_code": row.credit_code,
                "name": row.name,
                "problems": [{"kind": p.kind, "params": dict(p.params)} for p in row.problems],
            }
            for row in outcome.refused
        ],
    }


def _from_json(data: dict[str, Any]) -> Outcome:
    return Outcome(
        file_name=data["file_name"],
        created=data["created"],
        updated=data["updated"],
        refused=tuple(
            Refused(
                number=row["row"],
                credit_code=row["credit_code"],
                name=row["name"],
                problems=tuple(Problem(p["kind"], p["params"]) for p in row["problems"]),
            )
            for row in data["refused"]
        ),
    )


def _forget_old(user_id: int | None) -> int:
    """Remove the outcomes older than KEEP_FOR (of one user, or of everyone); how many."""
    now = time.time()
    prefix = f"{_PREFIX}{int(user_id)}-" if user_id is not None else _PREFIX
    store = storage.current()
    removed = 0
    for key in list(store.all_keys(prefix)):
        made = _made_at(key)
        # A time ahead of now is no token of ours (an older naming): it goes too.
        if made is None or made < now - KEEP_FOR or made > now + KEEP_FOR:
            store.delete(key)
            removed += 1
    return removed


def forget_expired() -> int:
    """The scheduler's sweep: every user's outcomes older than KEEP_FOR."""
    return _forget_old(None)


def save(user_id: int, outcome: Outcome) -> str:
    """Keep ``outcome`` for ``user_id``; the token that finds it again."""
    _forget_old(user_id)
    token = f"{int(time.time()):08x}{secrets.token_hex(12)}"
    key = _key(user_id, token)
    assert key is not None
    body = json.dumps(_as_json(outcome), ensure_ascii=False).encode()
    storage.current().put(key, io.BytesIO(body))  # whole or not at all, in either store
    return token


def load(user_id: int, token: str) -> Outcome | None:
    """The outcome ``user_id`` keeps under ``token``; None when there is none (or not theirs)."""
    key = _key(user_id, token)
    if key is None:
        return None
    try:
        opened = storage.current().open(key)
    except storage.Missing:
        return None
    try:
        return _from_json(json.loads(b"".join(opened)))
    except (ValueError, KeyError, TypeError):
        return None
    finally:
        opened.close()


def remove(user_id: int, token: str) -> None:
    """Forget an outcome (its import was rolled back after all)."""
    key = _key(user_id, token)
    if key is not None:
        storage.current().delete(key)


def reasons(row: Refused) -> list[str]:
    return [describe(problem) for problem in row.problems]


def _report_rows(outcome: Outcome) -> Iterator[list[Any]]:
    for row in outcome.refused:
        yield [row.number, row.credit_code, row.name, "\n".join(reasons(row))]


def error_sheet(outcome: Outcome) -> Sheet:
    header = [_("Row"), _("Unified social credit code"), _("Enterprise name"), _("Reasons")]
    return Sheet(_("Refused rows"), header, _report_rows(outcome), wrap=3)
