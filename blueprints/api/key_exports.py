"""An organisation's API keys as an Excel sheet: what its administrators file (who made which
key, for what, until when, its last use, revoked by whom) — never the secret, which Certpath
does not have."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import local_time, utcnow
from app.excel import Sheet, write_xlsx
from app.extensions import db
from blueprints.api.expiry import last_day
from models import ApiKey


def _status(key: ApiKey, now: datetime) -> str:
    if key.revoked_at is not None:
        return _("Revoked")
    return _("Active") if key.usable_at(now) else _("Expired")


def _rows(query: sa.Select) -> Iterator[list[Any]]:
    now = utcnow()
    for key in db.session.scalars(query):
        yield [
            key.name,
            f"cp_{key.prefix}_…",
            "\n".join(scope.value for scope in key.scope_members()),
            key.created_by.name,
            local_time(key.created_at),
            last_day(key.expires_at),
            local_time(key.last_used_at),
            _status(key, now),
            key.revoked_by.name if key.revoked_by else "",
            local_time(key.revoked_at),
        ]


def keys_xlsx(query: sa.Select, organisation: str, out: IO[bytes]) -> None:
    header = [
        _("Name"),
        _("Key"),
        _("May be used for"),
        _("Made by"),
        _("Made on"),
        _("Valid until"),
        _("Last used"),
        _("Status"),
        _("Revoked by"),
        _("Revoked on"),
    ]
    formats = {4: "yyyy-mm-dd hh:mm", 5: "yyyy-mm-dd", 6: "yyyy-mm-dd hh:mm", 9: "yyyy-mm-dd hh:mm"}
    sheet = Sheet(_("API keys"), header, _rows(query), formats, wrap=2)
    write_xlsx([sheet], out, title=f"{organisation} — {_('API keys')}")
