"""The rendered public certificate page each process keeps (app/public_cache.py): kept under
everything the page shows, so every change reaches the next visitor — read in one query, in
autocommit (a database of its own: the suite's shared transaction would hide that path)."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.public_cache import memo
from models import Certificate, CertificateStatus, Organisation
from tests import factories


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(statement.split(None, 1)[0].upper())


def _visit(app, client, number: str) -> tuple[str, list[str]]:
    statements = Statements()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", statements)
    try:
        response = client.get(f"/certificates/{number}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", statements)
    assert response.status_code == 200
    return response.text, statements.seen


def _change(app, number: str, **values) -> None:
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).filter_by(number=number))
        for name, value in values.items():
            setattr(certificate, name, value)
        db.session.commit()


def _issued(app) -> str:
    with app.app_context():
        number = factories.certificate(factories.Parties()).number
        db.session.commit()
    return number


def test_every_change_the_public_sees_reaches_the_next_visitor(committed_app):
    app = committed_app
    with app.app_context():
        parties = factories.Parties()
        certificate = factories.certificate(parties)
        number, body_id = certificate.number, certificate.body_id
        expires_on = certificate.expires_on
        db.session.commit()
    client = app.test_client()

    first, _statements = _visit(app, client, number)  # the process's region names, once
    assert "alert-success" in first
    again, statements = _visit(app, client, number)
    assert again == first
    assert statements == ["SELECT"]  # one query, and no BEGIN or COMMIT around it
    with app.app_context():
        assert len(memo()) == 1

    _change(app, number, enterprise_name="上海新名字机械有限公司")
    assert "上海新名字机械有限公司" in _visit(app, client, number)[0]

    with app.app_context():
        db.session.get(Organisation, body_id).name = "更名后的评定机构"
        db.session.commit()
    assert "更名后的评定机构" in _visit(app, client, number)[0]

    _change(app, number, status=CertificateStatus.SUSPENDED)
    assert "alert-warning" in _visit(app, client, number)[0]

    with time_machine.travel(expires_on + timedelta(days=1)):
        assert "alert-secondary" in _visit(app, client, number)[0]  # expired on its own

    with app.app_context():
        successor = factories.certificate(parties)
        successor.supersedes_id = db.session.scalar(
            sa.select(Certificate.id).filter_by(number=number)
        )
        successor_number = successor.number
        db.session.commit()
    _change(app, number, status=CertificateStatus.SUPERSEDED)
    assert successor_number in _visit(app, client, number)[0]


def test_the_kept_page_is_the_page_rendered_afresh(committed_app):
    app = committed_app
    number = _issued(app)
    client = app.test_client()
    for language in ("zh", "en"):
        headers = {"Accept-Language": language}
        kept = client.get(f"/certificates/{number}", headers=headers).text
        with app.app_context():
            memo().clear()
        assert client.get(f"/certificates/{number}", headers=headers).text == kept


def test_a_visitor_with_a_session_gets_their_own_page(committed_app):
    app = committed_app
    number = _issued(app)
    client = app.test_client()
    english = client.get(f"/certificates/{number}?lang=en")  # the choice goes to the session
    assert "Set-Cookie" in english.headers and not english.cache_control.public
    later = client.get(f"/certificates/{number}")  # the session keeps English
    assert f"Certificate {number}" in later.text and not later.cache_control.public
    with app.app_context():
        assert len(memo()) == 0  # neither page was kept for other visitors
