"""The programme board's page and its workbook, on the reform blueprint (the module imports
routes, which makes it)."""

from __future__ import annotations

import functools

from flask import render_template, request
from flask_login import current_user

from app.clock import local_today
from app.excel import xlsx_response
from app.security.permissions import Permission, requires
from blueprints.diagnosis import programmes
from blueprints.reform import board, board_export
from blueprints.reform.routes import bp

__all__ = ["bp"]


def _board() -> board.Board:
    """The programme asked for, else the first with a target, else the first."""
    every = programmes.load_all()
    chosen = every.get(request.args.get("programme", ""))
    if chosen is None:
        targeted = [p for p in every.values() if p.target]
        chosen = (targeted or list(every.values()))[0]
    return board.of(current_user, chosen, local_today())


@bp.get("/board")
@requires(Permission.DIAGNOSIS_MANAGE)
def board_page():
    return render_template(
        "reform/board.html",
        board=_board(),
        programmes=sorted(programmes.load_all().items()),
        stages=board.STAGES,
        stage_titles=board_export.stage_titles(),
    )


@bp.get("/board.xlsx")
@requires(Permission.DIAGNOSIS_MANAGE)
def board_xlsx():
    shown = _board()
    write = functools.partial(board_export.write, shown)
    return xlsx_response(write, f"reform-board-{shown.programme.id}.xlsx")
