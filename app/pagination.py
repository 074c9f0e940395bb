"""Every list pages the same way: ITEMS_PER_PAGE rows, the page number read within bounds."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from app.extensions import db
from app.input_boundary import page_arg


def paginate(query: sa.Select[Any]) -> Pagination:
    """One page of ``query``; a page number that does not parse or is absurd shows page 1
    (Flask-SQLAlchemy would turn it into an offset the database cannot hold)."""
    return db.paginate(
        query, page=page_arg(), per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False
    )
