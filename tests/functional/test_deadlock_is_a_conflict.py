"""A deadlock is a lost race, answered as one (409), not as a database outage (503): two
transactions that each hold what the other waits for — here through the register's generation
row, which every statement writing certificates raises (models/generation.py), and a project.
Writing a certificate also raises its own project's page generation (a lock on that project's
row), so the project the second transaction holds is the second certificate's."""

import threading

import pytest
import sqlalchemy as sa

from app.errors import is_conflict
from app.extensions import db
from models import Certificate, Project
from tests import factories


def test_the_transaction_postgresql_picks_to_give_way_lost_a_race(committed_app):
    app = committed_app
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time: no deadlock")
        first = factories.certificate(factories.Parties())
        second = factories.certificate(factories.Parties())
        ids = first.id, second.id
        project_id = second.project_id
        db.session.commit()
        engine = db.engine

    failures: list[BaseException] = []
    holding = threading.Barrier(2, timeout=20)
    touch_certificate = sa.update(Certificate).values(address=sa.literal("新址"))
    touch_project = sa.update(Project).where(Project.id == project_id).values(scope="范围")

    def certificate_then_project() -> None:
        with engine.begin() as connection:
            connection.execute(touch_certificate.where(Certificate.id == ids[0]))  # + generation
            holding.wait()
            connection.execute(touch_project)

    def project_then_certificate() -> None:
        with engine.begin() as connection:
            connection.execute(touch_project)
            holding.wait()
            connection.execute(touch_certificate.where(Certificate.id == ids[1]))

    def run(work) -> None:
        try:
            work()
        except sa.exc.DBAPIError as error:
            failures.append(error)

    threads = [
        threading.Thread(target=run, args=(work,))
        for work in (certificate_then_project, project_then_certificate)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(failures) == 1, failures  # one gave way, the other committed
    assert is_conflict(failures[0])
