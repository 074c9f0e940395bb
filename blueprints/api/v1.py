"""/api/v1: the certificates of the public register for programs — one by number (no key),
the register by filter with a cursor, and the bulk check funding programmes and provincial
platforms run over their lists (seed 003 q4)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_openapi3 import APIBlueprint, Tag

from app.i18n import N_
from app.problems import problem
from blueprints.api import certificates
from blueprints.api.access import anonymous, open_to_all, with_key
from blueprints.api.schemas import (
    CertificateFilters,
    CertificateOut,
    CertificatePage,
    NumberPath,
    VerifyRequest,
    VerifyResponse,
)
from models import ApiScope

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
SECURITY: list[dict[str, list[Any]]] = [{"api_key": []}]


def problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


# What any call may meet: its input refused (at the app's input boundary or by the models),
# too many calls.
COMMON: dict[str | int, Any] = {
    400: problem_response(N_("The request holds characters nobody types (control characters)")),
    422: problem_response(N_("The input was refused: the fields and the reasons are listed")),
    429: problem_response(N_("Too many calls: wait for the seconds in Retry-After")),
}
KEYED: dict[str | int, Any] = {
    401: problem_response(N_("No key, or a key that is unknown, expired or revoked")),
    403: problem_response(N_("The key lacks the scope, or its member the permission")),
}

certificates_tag = Tag(
    name="certificates",
    description=N_("GB/T 23001 certificates: verification and the public register"),
)

api = APIBlueprint(
    "api_v1", __name__, url_prefix="/api/v1", abp_tags=[certificates_tag], abp_responses=COMMON
)
api.before_request(anonymous)


@api.get(
    "/certificates/<number>",
    summary=N_("Verify one certificate"),
    description=N_(
        "The certificate with this number as its public verification page shows it, with the "
        "live status of today. No key needed; calls are counted per address."
    ),
    responses={
        200: CertificateOut,
        404: problem_response(N_("No certificate has this number")),
    },
)
@open_to_all
def certificate(path: NumberPath):
    item = certificates.by_number(path.number)
    if item is None:
        return _not_found(N_("No certificate has this number."))
    return CertificateOut.model_validate(item).model_dump(mode="json")


@api.get(
    "/certificates",
    summary=N_("Search the register"),
    description=N_(
        "Certificates of record (superseded ones left out), newest first, filtered by holder, "
        "region, evaluation body, live status and effective dates; one page per call, the next "
        "one by its cursor."
    ),
    responses={200: CertificatePage, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.CERTIFICATES_READ)
def register(query: CertificateFilters):
    after = None
    if query.cursor:
        after = certificates.parse_cursor(query.cursor)
        if after is None:
            return _refused("query.cursor", N_("This cursor was not written by this interface."))
    filters = certificates.Filters(
        credit_code=query.credit_code,
        region=query.region,
        body=query.body,
        status=query.status.value if query.status else None,
        effective_from=query.effective_from,
        effective_to=query.effective_to,
    )
    items, next_cursor = certificates.page(filters, after=after, limit=query.limit)
    return CertificatePage.model_validate({"items": items, "next_cursor": next_cursor}).model_dump(
        mode="json"
    )


@api.post(
    "/certificates/verify",
    summary=N_("Verify up to 100 numbers or credit codes"),
    description=N_(
        "One result per item, in the order given: an item that is a valid unified social credit "
        "code is read as one (the holder's certificates), any other as a certificate number."
    ),
    responses={200: VerifyResponse, **KEYED},
    security=SECURITY,
)
@with_key(ApiScope.CERTIFICATES_READ)
def verify(body: VerifyRequest):
    results = certificates.verify(body.items)
    return VerifyResponse.model_validate({"results": results}).model_dump(mode="json")


def _not_found(detail: str):
    return problem(404, gettext(detail))


def _refused(field: str, message: str):
    return problem(422, None, errors=[{"field": field, "message": gettext(message)}])
