"""The register's search pages each process keeps for anonymous visitors (app/public_cache.py):
kept under the register's generation, which database triggers raise on every statement that
writes certificates or an evaluation body — whatever wrote it (the ORM, a bulk UPDATE) — so
a change reaches the next search, and a search seen again costs one read (a database of its
own: the suite's shared transaction would hide the commits and the autocommit path)."""

import sqlalchemy as sa

from app.extensions import db
from app.public_cache import register_memo
from models import REGISTER_GENERATION, Certificate, CertificateStatus, DataGeneration, Organisation
from tests import factories

ENGLISH = {"Accept-Language": "en"}


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(statement.split(None, 1)[0].upper())


def page_and_statements(app, client, path: str, args: dict) -> tuple[str, list[str]]:
    """The English page at ``path`` and the first word of every statement it sent."""
    statements = Statements()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", statements)
    try:
        response = client.get(path, query_string=args, headers=ENGLISH)
    finally:
        sa.event.remove(engine, "before_cursor_execute", statements)
    assert response.status_code == 200
    return response.text, statements.seen


def _search(app, client, **args) -> tuple[str, list[str]]:
    return page_and_statements(app, client, "/certificates/", args)


def _generation(app) -> int:
    with app.app_context():
        return db.session.get(DataGeneration, REGISTER_GENERATION).value


def _issued(app) -> tuple[str, int, int]:
    with app.app_context():
        certificate = factories.certificate(factories.Parties())
        db.session.commit()
        return certificate.number, certificate.body_id, certificate.organisation_id


def test_a_search_seen_again_costs_one_read_and_is_the_same_page(committed_app):
    app = committed_app
    number, _body, _holder = _issued(app)
    client = app.test_client()
    first, _ = _search(app, client, number=number)  # the process's region names, once
    assert number in first
    again, statements = _search(app, client, number=number)
    assert again == first
    assert statements == ["SELECT"]  # the generation, in autocommit
    with app.app_context():
        assert len(register_memo()) == 1
        register_memo().clear()
    assert _search(app, client, number=number)[0] == first  # rendered afresh: the same page


def test_every_write_the_register_shows_reaches_the_next_search(committed_app):
    app = committed_app
    number, body_id, holder_id = _issued(app)
    client = app.test_client()
    assert ">Valid<" in _search(app, client, number=number)[0]

    with app.app_context():  # through the ORM
        db.session.scalar(
            sa.select(Certificate).filter_by(number=number)
        ).status = CertificateStatus.REVOKED
        db.session.commit()
    assert ">Revoked<" in _search(app, client, number=number)[0]

    with app.app_context():  # a bulk statement, as the scheduler writes
        db.session.execute(
            sa.update(Certificate)
            .where(Certificate.number == number)
            .values(enterprise_name="上海批量更名机械有限公司")
        )
        db.session.commit()
    assert "上海批量更名机械有限公司" in _search(app, client, number=number)[0]

    with app.app_context():  # the body the row and the filter name
        db.session.get(Organisation, body_id).name = "更名后的评定机构"
        db.session.commit()
    assert "更名后的评定机构" in _search(app, client, number=number)[0]

    # An enterprise's own details are not the register's: its generation stays.
    before = _generation(app)
    with app.app_context():
        db.session.get(Organisation, holder_id).contact_name = "王五"
        db.session.commit()
    assert _generation(app) == before

    prefix = number[:6]  # "CSAIII": every certificate number begins so
    assert number in _search(app, client, number=prefix)[0]
    with app.app_context():  # a certificate issued
        later = factories.certificate(factories.Parties()).number
        db.session.commit()
    assert _generation(app) > before
    assert later in _search(app, client, number=prefix)[0]


def test_a_rolled_back_write_leaves_the_generation(committed_app):
    app = committed_app
    number, _body, _holder = _issued(app)
    before = _generation(app)
    with app.app_context():
        db.session.execute(
            sa.update(Certificate).where(Certificate.number == number).values(address="别处")
        )
        assert db.session.get(DataGeneration, REGISTER_GENERATION).value == before + 1
        db.session.rollback()
    assert _generation(app) == before


def test_a_visitor_with_a_session_or_signed_in_gets_their_own_page(committed_app):
    app = committed_app
    number, _body, _holder = _issued(app)
    client = app.test_client()
    english = client.get("/certificates/", query_string={"number": number, "lang": "en"})
    assert "Set-Cookie" in english.headers and not english.cache_control.public
    later = client.get("/certificates/", query_string={"number": number})
    assert not later.cache_control.public
    with app.app_context():
        assert len(register_memo()) == 0


def test_an_anonymous_search_may_be_kept_by_browsers_and_revalidated(committed_app):
    app = committed_app
    number, _body, _holder = _issued(app)
    client = app.test_client()
    response = client.get("/certificates/", query_string={"number": number})
    assert response.cache_control.public
    assert response.cache_control.max_age == app.config["PUBLIC_PAGE_MAX_AGE"]
    revalidated = client.get(
        "/certificates/",
        query_string={"number": number},
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert revalidated.status_code == 304
