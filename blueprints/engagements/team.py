"""An engagement's programme and work group, as the programme's rules read them."""

from __future__ import annotations

from flask import abort

from blueprints.diagnosis import programmes, rules
from blueprints.diagnosis.programmes import Programme
from models import DiagnosisEngagement

MAX_MEMBERS = 50


def programme_of(engagement: DiagnosisEngagement) -> Programme:
    """The programme file the engagement runs under; a file since removed is a 404, as
    nothing about the engagement can be checked without it."""
    found = programmes.programme(engagement.programme_key)
    if found is None:
        abort(404)
    return found


def members_of(engagement: DiagnosisEngagement) -> list[rules.Member]:
    return [
        rules.Member(
            name=m.name,
            lead=m.lead,
            expert=m.expert,
            title=m.title,
            pledged=m.pledged_on is not None,
        )
        for m in engagement.members
    ]
