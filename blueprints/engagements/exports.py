"""The engagements list in Excel, as filtered on the page, streamed row by row."""

from __future__ import annotations

from typing import IO

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from app.clock import local_time
from app.excel import Sheet, write_xlsx
from app.extensions import db
from blueprints.engagements import services

CHUNK = 1000


def list_xlsx(query: sa.Select, out: IO[bytes]) -> None:
    locale = str(get_locale() or "zh")
    titles = {key: p.title.get(locale) for key, p in services.programme_titles()}
    rows = (
        [
            r.id,
            titles.get(r.programme_key, r.programme_key),
            r.enterprise,
            r.credit_code,
            r.provider,
            r.status.title,
            local_time(r.status_changed_at),
            r.agreement_ends_on,
        ]
        for r in db.session.execute(query.execution_options(yield_per=CHUNK))
    )
    header = [
        _("No."),
        _("Programme"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Provider"),
        _("Status"),
        _("Since"),
        _("Agreement ends"),
    ]
    title = _("Diagnosis engagements")
    write_xlsx([Sheet(title, header, rows)], out, title=title)
