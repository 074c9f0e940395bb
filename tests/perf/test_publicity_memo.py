"""The public announcement's list (/publicity/), kept by each process for anonymous visitors
under the announcement's generation (app/public_cache.py), which database triggers raise on
every statement writing a publicity batch or entry — so a page seen again costs one read, and a
change (an entry announced, renamed, removed by an upheld objection) reaches the next visit.
A database of its own: the suite's shared transaction would hide the commits and the
autocommit path."""

from datetime import timedelta

import sqlalchemy as sa

from app.clock import local_today, utcnow
from app.extensions import db
from app.public_cache import register_memo
from models import (
    PUBLICITY_GENERATION,
    DataGeneration,
    ProjectStatus,
    PublicityBatch,
    PublicityEntry,
)
from tests import factories
from tests.perf.test_register_memo import page_and_statements


def _list(app, client, **args) -> tuple[str, list[str]]:
    return page_and_statements(app, client, "/publicity/", args)


def _generation(app) -> int:
    with app.app_context():
        return db.session.get(DataGeneration, PUBLICITY_GENERATION).value


def _announced(app, name: str) -> int:
    """An enterprise in an open batch; its entry's id."""
    with app.app_context():
        parties = factories.Parties()
        publicised = factories.project(parties, ProjectStatus.IN_PUBLICITY)
        publicised.organisation.name = name
        factories.objection(publicised, factories.alliance_staff())
        db.session.commit()
        return db.session.scalar(
            sa.select(PublicityEntry.id).where(PublicityEntry.project_id == publicised.id)
        )


def test_the_list_seen_again_costs_one_read_and_is_the_same_page(committed_app):
    app = committed_app
    _announced(app, "上海公示一号机械有限公司")
    client = app.test_client()
    first, _ = _list(app, client)
    assert "上海公示一号机械有限公司" in first
    again, statements = _list(app, client)
    assert again == first
    assert statements == ["SELECT"]  # the generation, in autocommit
    with app.app_context():
        register_memo().clear()
    assert _list(app, client)[0] == first  # rendered afresh: the same page


def test_every_write_the_list_shows_reaches_the_next_visit(committed_app):
    app = committed_app
    entry_id = _announced(app, "上海公示二号化工有限公司")
    client = app.test_client()
    assert "上海公示二号化工有限公司" in _list(app, client)[0]

    with app.app_context():  # an entry renamed through the ORM
        db.session.get(PublicityEntry, entry_id).enterprise_name = "上海公示更名化工有限公司"
        db.session.commit()
    assert "上海公示更名化工有限公司" in _list(app, client)[0]

    with app.app_context():  # the batch's period moved by a bulk statement
        later = local_today() + timedelta(days=30)
        db.session.execute(
            sa.update(PublicityBatch).values(starts_on=later, ends_on=later + timedelta(days=7))
        )
        db.session.commit()
    assert "Lodge an objection" not in _list(app, client)[0]

    before = _generation(app)
    _announced(app, "上海公示三号电子有限公司")  # a new batch and entry
    assert _generation(app) > before
    assert "上海公示三号电子有限公司" in _list(app, client)[0]

    with app.app_context():  # removed by an upheld objection
        db.session.get(PublicityEntry, entry_id).removed_at = utcnow()
        db.session.commit()
    assert "上海公示更名化工有限公司" not in _list(app, client)[0]


def test_a_visitor_with_a_session_gets_their_own_page(committed_app):
    app = committed_app
    _announced(app, "上海公示四号纺织有限公司")
    client = app.test_client()
    chosen = client.get("/publicity/", query_string={"lang": "en"})  # a session of their own
    assert "Set-Cookie" in chosen.headers and not chosen.cache_control.public
    later = client.get("/publicity/")
    assert "上海公示四号纺织有限公司" in later.text and not later.cache_control.public
    with app.app_context():
        assert len(register_memo()) == 0
