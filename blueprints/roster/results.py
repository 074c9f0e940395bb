"""The outcome of an import, kept for the one who ran it: the result page and its error report.

The import answers with a redirect to its result, so a reload shows the result again rather
than importing the file twice. The outcome lives in a small JSON file in the upload folder
(``roster-imports/<user id>-<token>.json``): the token is random, and only the user whose id
is in the name can open it — another user asking for the same token finds no file. The
reasons of refused rows are kept as kinds and values and put into words when read, in the
reader's language. Outcomes older than KEEP_FOR go when their user imports again, and every
day with the scheduler's sweep (``forget_expired``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from app import uploads
from app.excel import Sheet
from blueprints.roster.importing import Outcome, Refused
from blueprints.roster.problems import Problem, describe

KEEP_FOR = 7 * 24 * 3600  # seconds
_TOKEN = re.compile(r"[0-9a-f]{32}")
_FOLDER = "roster-imports"


def _folder() -> Path:
    return uploads.root() / _FOLDER


def _name(user_id: int, token: str) -> str:
    return f"{int(user_id)}-{token}.json"


def _path(user_id: int, token: str) -> Path | None:
    """Where an outcome is kept; None for a token that is not one of ours (a path, "..")."""
    return _folder() / _name(user_id, token) if _TOKEN.fullmatch(token) else None


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


def _forget_old(folder: Path, user_id: int | None) -> int:
    """Remove the outcomes older than KEEP_FOR (of one user, or of everyone); how many."""
    cutoff = time.time() - KEEP_FOR
    pattern = f"{int(user_id)}-*.json" if user_id is not None else "*-*.json"
    removed = 0
    for old in folder.glob(pattern):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
                removed += 1
        except FileNotFoundError:  # another request got there first
            continue
    return removed


def forget_expired() -> int:
    """The scheduler's sweep: every user's outcomes older than KEEP_FOR."""
    folder = _folder()
    return _forget_old(folder, None) if folder.is_dir() else 0


def save(user_id: int, outcome: Outcome) -> str:
    """Keep ``outcome`` for ``user_id``; the token that finds it again."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old(folder, user_id)
    token = secrets.token_hex(16)
    target = folder / _name(user_id, token)
    # Written aside and moved into place: a reader never sees half a file.
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".roster-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(_as_json(outcome), out, ensure_ascii=False)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return token


def load(user_id: int, token: str) -> Outcome | None:
    """The outcome ``user_id`` keeps under ``token``; None when there is none (or not theirs)."""
    path = _path(user_id, token)
    if path is None:
        return None
    try:
        with path.open(encoding="utf-8") as source:
            return _from_json(json.load(source))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def remove(user_id: int, token: str) -> None:
    """Forget an outcome (its import was rolled back after all)."""
    path = _path(user_id, token)
    if path is not None:
        path.unlink(missing_ok=True)


def reasons(row: Refused) -> list[str]:
    return [describe(problem) for problem in row.problems]


def _report_rows(outcome: Outcome) -> Iterator[list[Any]]:
    for row in outcome.refused:
        yield [row.number, row.credit_code, row.name, "\n".join(reasons(row))]


def error_sheet(outcome: Outcome) -> Sheet:
    header = [_("Row"), _("Unified social credit code"), _("Enterprise name"), _("Reasons")]
    return Sheet(_("Refused rows"), header, _report_rows(outcome), wrap=3)
