"""The GB/T 23001-2017 clause catalogue: shipped data, upsert, deactivation, malformed files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from app.extensions import db
from blueprints.reference.loader import (
    CLAUSES_YAML,
    ReferenceDataError,
    clause_sort_key,
    load_clauses,
)
from models import Clause

SHIPPED = yaml.safe_load(CLAUSES_YAML.read_text(encoding="utf-8"))
SHIPPED_CODES = [entry["code"] for entry in SHIPPED]


def clause(code: str) -> Clause | None:
    return db.session.get(Clause, code)


def write(tmp_path: Path, text: str, name: str = "clauses.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def entry(code: str, zh: str = "标题", en: str = "Title") -> str:
    return f'- code: "{code}"\n  title: {{zh: {zh}, en: {en}}}\n'


def test_shipped_catalogue_loads(app_ctx):
    result = load_clauses()

    assert 40 <= len(SHIPPED) <= 70
    assert result.inserted + result.updated + result.unchanged == len(SHIPPED)
    assert result.deactivated == 0
    internal_audit = clause("9.3")
    assert internal_audit is not None and internal_audit.active
    assert "内部审核" in internal_audit.title
    assert internal_audit.title_en == "Internal audit"
    assert internal_audit.sort_key == "009.003"
    # Chapters 4-10 only: scope, references and terms are never cited by a finding.
    assert {code.split(".")[0] for code in SHIPPED_CODES} == {str(n) for n in range(4, 11)}
    active = db.session.scalars(
        sa.select(Clause.code).where(Clause.active.is_(True)).order_by(Clause.sort_key)
    ).all()
    assert [code for code in active if code in SHIPPED_CODES] == SHIPPED_CODES  # file order
    assert active.index("10") > active.index("9.5.3")  # "10" < "9" as plain strings


def test_sort_key_orders_numbers_not_strings(app_ctx, tmp_path):
    assert clause_sort_key("9.1.3") == "009.001.003"
    assert clause_sort_key("4.10") > clause_sort_key("4.9")
    path = write(tmp_path, entry("4") + entry("4.10") + entry("4.9") + entry("4.1"))
    load_clauses(path)
    ordered = db.session.scalars(
        sa.select(Clause.code)
        .where(Clause.code.in_(["4", "4.1", "4.9", "4.10"]))
        .order_by(Clause.sort_key)
    ).all()
    assert ordered == ["4", "4.1", "4.9", "4.10"]


def test_second_load_changes_nothing(app_ctx):
    load_clauses()
    result = load_clauses()
    assert (result.inserted, result.updated, result.unchanged, result.deactivated) == (
        0,
        0,
        len(SHIPPED),
        0,
    )
    assert result.summary() == f"0 inserted, 0 updated, {len(SHIPPED)} unchanged"


def test_staff_edits_survive_a_reload(app_ctx, tmp_path):
    """After the seed, the catalogue is the alliance's: a reload changes nothing it has."""
    load_clauses()
    edited = clause("9.3")
    edited.title_en = "Internal audits (edited by staff)"
    retired = clause("9.4")
    retired.active = False
    db.session.add(
        Clause(code="11", title="员工新增", title_en="Added by staff", sort_key="011", active=True)
    )
    db.session.flush()
    result = load_clauses()
    assert (result.inserted, result.unchanged) == (0, len(SHIPPED))
    assert clause("9.3").title_en == "Internal audits (edited by staff)"
    assert not clause("9.4").active
    assert clause("11").active


def test_new_clauses_in_the_file_are_added(app_ctx, tmp_path):
    load_clauses()
    text = CLAUSES_YAML.read_text(encoding="utf-8") + (
        '- code: "10.3"\n  title: {zh: 创新, en: Innovation}\n'
    )
    result = load_clauses(write(tmp_path, text))
    assert (result.inserted, result.unchanged) == (1, len(SHIPPED))
    assert clause("10.3").title == "创新"


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (entry("4") + entry("4.a"), "entry 2 (code '4.a')", "numbers of up to 3 digits"),
        (entry("4") + entry("04.1"), "entry 2 (code '04.1')", "numbers of up to 3 digits"),
        (entry("4") + entry("4.1") + entry("4.1"), "entry 3 (code '4.1')", "duplicate code"),
        (
            entry("4") + '- code: "4.1"\n  title: {zh: 总则}\n',
            "entry 2 (code '4.1')",
            "title.en is required",
        ),
        (entry("4") + entry("4.1", en='""'), "entry 2 (code '4.1')", "title.en is required"),
        (entry("4") + entry("5.2"), "entry 2 (code '5.2')", "parent clause '5' is missing"),
        (
            entry("4") + "- code: 4.10\n  title: {zh: 标题, en: Title}\n",
            "entry 2 (code 4.1)",
            "must be a quoted string",
        ),
    ],
    ids=["bad-code", "leading-zero", "duplicate", "no-en-title", "empty-en", "orphan", "unquoted"],
)
def test_malformed_file_names_file_and_entry(app_ctx, tmp_path, text, where, problem):
    path = write(tmp_path, text)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Clause))

    with pytest.raises(ReferenceDataError) as raised:
        load_clauses(path)

    message = str(raised.value)
    assert message.startswith(f"{path}:")
    assert where in message
    assert problem in message
    # Nothing was written: validation runs before the first row is touched.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Clause)) == before


def test_error_names_the_line(app_ctx, tmp_path):
    path = write(tmp_path, "# header\n" + entry("4") + entry("4.x"))
    with pytest.raises(ReferenceDataError, match=re.escape(f"{path}:4: entry 2")):
        load_clauses(path)


@pytest.mark.parametrize("text", ["", "code: '4'\n", "- [unclosed\n"])
def test_not_a_list_of_clauses(app_ctx, tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ReferenceDataError, match=re.escape(str(path))):
        load_clauses(path)


def test_missing_file(app_ctx, tmp_path):
    with pytest.raises(ReferenceDataError, match="file not found"):
        load_clauses(tmp_path / "nowhere.yaml")
