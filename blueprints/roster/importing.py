"""Importing a roster file: every row checked, the good ones written, the bad ones reported.

Row by row, all or nothing: a row with any problem changes nothing, the others are imported —
inserted, or updated when their credit code is on the roster already (a re-import never makes
a second row for a code). The work is done per set, not per row: the reference codes the file
names and the roster rows it touches are read in one query each (per CHUNK codes), the rows
are inserted and updated in batches.

A column the file leaves out leaves that field of the updated rows as it was; a column that is
there but empty in a row empties the field (for tags: the row's tags are replaced by none).
The exclusion flags' columns are the exception: a blank cell states nothing, so that a roster
kept without them never clears a flag an authority set; 是 sets a flag and 否 clears it, each
change a history row. The flags are the reform feature's (blueprints/reform/exclusions.py),
which depends on features that read the roster: the import announces the rows' flags and the
reform feature, listening, writes them in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import uploads
from app.clock import utcnow
from app.events import announce
from app.extensions import db
from app.workflow import SYSTEM
from blueprints.roster import problems as p
from blueprints.roster.problems import Problem
from blueprints.roster.rows import Checked, Reference, check, industry_code
from blueprints.roster.services import CHUNK, Scope
from blueprints.roster.workbook import EMAIL, INDUSTRY, REGION, TAGS, Roster, read
from models import Industry, Region, RosterEnterprise, RosterTag

# Heard by blueprints/reform/exclusions.py, which reads this name (the roster cannot import it).
FLAGS_IMPORTED = "roster.exclusion_flags"


@dataclass(frozen=True)
class Refused:
    number: int
    credit_code: str
    name: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Outcome:
    file_name: str
    created: int
    updated: int
    refused: tuple[Refused, ...]


@dataclass(frozen=True)
class _Existing:
    id: int
    region_code: str


def import_file(file: FileStorage, scope: Scope) -> Outcome:
    """Import an uploaded .xlsx into ``scope``'s roster; UploadError when the file as a whole
    is refused (its type, size or columns), with nothing written."""
    if scope.authority_id is None:
        raise ValueError("only an authority imports a roster")
    # The upload service checks the name, the size and what the bytes really are; the file is
    # only read, in a temporary file, never kept.
    with uploads.checked(file, allowed={"xlsx"}) as upload:
        roster = read(upload.path)
    return import_roster(roster, scope, upload.original_name)


def import_roster(roster: Roster, scope: Scope, file_name: str = "") -> Outcome:
    """Check every row of ``roster``, write the good ones into ``scope``'s roster (flushed,
    not committed: the request commits), and say what became of each."""
    reference = _reference(roster, scope)
    first_rows: dict[str, int] = {}
    checked = [check(row, reference, first_rows) for row in roster.rows]
    existing = _existing(c.credit_code for c in checked if c.code_valid)
    for row in checked:
        known = existing.get(row.credit_code) if row.code_valid else None
        if known is not None and not scope.covers(known.region_code):
            row.problems.insert(0, Problem(p.OTHER_REGION))
    good = [row for row in checked if not row.problems]
    created, updated = _write(good, existing, roster.columns, scope)
    flags = {row.credit_code: row.flags for row in good if row.flags}
    if flags:
        announce(FLAGS_IMPORTED, None, SYSTEM, occurrence=f"roster:{utcnow().isoformat()}",
                 rows=flags)  # fmt: skip
    refused = tuple(
        Refused(row.number, *row.echo, tuple(row.problems)) for row in checked if row.problems
    )
    return Outcome(file_name, created, updated, refused)


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _reference(roster: Roster, scope: Scope) -> Reference:
    """The region codes of the file that exist, and the industry codes (a short table)."""
    codes = sorted({row.get(REGION) for row in roster.rows} - {""})
    regions: set[str] = set()
    for chunk in _chunks(codes):
        regions.update(db.session.scalars(sa.select(Region.code).where(Region.code.in_(chunk))))
    industries: frozenset[str] = frozenset()
    if INDUSTRY in roster.columns and any(industry_code(row) for row in roster.rows):
        industries = frozenset(db.session.scalars(sa.select(Industry.code)))
    return Reference(scope.prefix, frozenset(regions), industries)


def _existing(credit_codes: Iterable[str]) -> dict[str, _Existing]:
    """The roster rows of these codes, wherever they are (another region's too)."""
    found: dict[str, _Existing] = {}
    for chunk in _chunks(sorted(set(credit_codes))):
        rows = db.session.execute(
            sa.select(
                RosterEnterprise.credit_code, RosterEnterprise.id, RosterEnterprise.region_code
            ).where(RosterEnterprise.credit_code.in_(chunk))
        )
        found.update({code: _Existing(id_, region) for code, id_, region in rows})
    return found


def _values(row: Checked, columns: frozenset[str], scope: Scope) -> dict:
    values = {
        "name": row.name,
        "region_code": row.region_code,
        "imported_by_id": scope.authority_id,
        "updated_at": utcnow(),
    }
    if INDUSTRY in columns:
        values["industry_code"] = row.industry_code
    if EMAIL in columns:
        values["contact_email"] = row.contact_email
    return values


def _write(
    good: list[Checked], existing: dict[str, _Existing], columns: frozenset[str], scope: Scope
) -> tuple[int, int]:
    """Insert the new rows, update the known ones, replace their tags; (created, updated)."""
    new = [row for row in good if row.credit_code not in existing]
    known = [row for row in good if row.credit_code in existing]
    ids: dict[str, int] = {}
    if new:
        inserted = db.session.execute(
            sa.insert(RosterEnterprise).returning(
                RosterEnterprise.credit_code, RosterEnterprise.id
            ),
            [{"credit_code": row.credit_code, **_values(row, columns, scope)} for row in new],
        )
        ids.update(inserted.tuples().all())
    if known:
        db.session.execute(
            sa.update(RosterEnterprise),
            [{"id": existing[row.credit_code].id, **_values(row, columns, scope)} for row in known],
        )
        ids.update({row.credit_code: existing[row.credit_code].id for row in known})
    if TAGS in columns:
        _replace_tags([existing[row.credit_code].id for row in known])
    tags = [
        {"roster_id": ids[row.credit_code], "tag": tag}
        for row in good
        if TAGS in columns
        for tag in sorted(row.tags, key=lambda tag: tag.value)
    ]
    if tags:
        db.session.execute(sa.insert(RosterTag), tags)
    return len(new), len(known)


def _replace_tags(roster_ids: list[int]) -> None:
    for start in range(0, len(roster_ids), CHUNK):
        chunk = roster_ids[start : start + CHUNK]
        db.session.execute(
            sa.delete(RosterTag)
            .where(RosterTag.roster_id.in_(chunk))
            .execution_options(synchronize_session=False)  # no tag of these is loaded
        )
