"""``tagged``: any list of organisations filters by a roster tag through the credit code."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from blueprints.roster.services import tagged
from models import EnterpriseTag, Organisation
from tests import factories

from .helpers import account, authority, on_roster

T = EnterpriseTag


def test_tagged_finds_organisations_by_their_roster_tags(app_ctx):
    city = authority("310000")
    pilot = account(on_roster(city, "310115", tags=(T.PILOT, T.ABOVE_SCALE)).credit_code)
    giant = account(on_roster(city, "310104", tags=(T.LITTLE_GIANT,)).credit_code)
    untagged = account(on_roster(city, "310104").credit_code)
    off_roster = factories.organisation(region="310115")
    on_roster(city, "310115", tags=(T.PILOT,))  # on the roster, no account: not an organisation
    ours = Organisation.id.in_([pilot.id, giant.id, untagged.id, off_roster.id])

    def found(*conditions) -> set[int]:
        return set(db.session.scalars(sa.select(Organisation.id).where(ours, *conditions)))

    assert found(tagged(T.PILOT)) == {pilot.id}
    assert found(tagged(T.ABOVE_SCALE)) == {pilot.id}
    assert found(tagged(T.LITTLE_GIANT)) == {giant.id}
    assert found(tagged(T.SPECIALISED)) == set()
    assert found(~tagged(T.PILOT)) == {giant.id, untagged.id, off_roster.id}
    assert found(sa.or_(tagged(T.PILOT), tagged(T.LITTLE_GIANT))) == {pilot.id, giant.id}
