"""What the benchmark scripts share: the app as production builds it, an emptied database,
bulk inserts, valid credit codes. Each script measures one thing; these are its tools."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from stdnum.cn import uscc

from app import create_app
from app.extensions import db

CHUNK = 5_000


def production_app(database_url: str, **settings: Any) -> Flask:
    """The app with the production profile (a random secret key, no mail unless given) on
    ``database_url``; ``settings`` override or add configuration keys."""
    return create_app(
        {
            "ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "MAIL_SERVER": "",
            "BASE_URL": "https://certpath.example.cn",
            **settings,
        }
    )


def reset(database_url: str) -> None:
    """Start from nothing: drop every table of a PostgreSQL database, delete a SQLite file."""
    if database_url.startswith("postgresql"):
        engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    elif database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def insert(model: type, rows: list[dict]) -> None:
    """Many rows, CHUNK per statement."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start : start + CHUNK])


def credit_code(region: str, i: int) -> str:
    """The ``i``-th valid unified social credit code of a company registered in ``region``."""
    base = f"91{region}{i:09d}"
    return base + uscc.calc_check_digit(base)
