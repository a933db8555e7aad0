"""Every error leaves the API as ``{"code", "message", "details"}``, with its HTTP status:
401 unauthenticated, 403 forbidden, 404 not found, 409 a procedure rule refusing the action
in the case's current state or a conflict (``code`` names the rule), 422 invalid input (the
field named, or the procedure rule that refuses the request on its own), 500 with no
traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie.services.errors import (
    ConflictError,
    InvalidActionError,
    InvalidInputError,
    NotFoundError,
    VigieError,
)

log = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


class UnauthenticatedError(ApiError):
    status = 401


class ForbiddenError(ApiError):
    status = 403


class NotFoundApiError(ApiError):
    status = 404


class UnavailableError(ApiError):
    status = 503


class TooManyAttemptsError(ApiError):
    status = 429


def body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}


STATUS_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "bad_method"}


def _field(loc: Any) -> str:
    """``("body", "amount")`` -> ``amount``; ``("query", "year")`` -> ``year``."""
    return ".".join(str(p) for p in loc[1:]) or str(loc[0])


#: Procedure rules that judge the request alone: the same payload is refused on this case
#: whatever its state (a missing reason, a date already past, a follow-up listed twice).
#: Those answer 422, like any invalid input. Every other rule depends on the case's current
#: state (its stage, the request ids it has applied, whether it is closed, its tracks,
#: debts and letters) and answers 409 Conflict: of two conflicting actions sent at once, the
#: one judged second sees the state the first left (``action_not_allowed_in_stage``,
#: ``request_id_reused``, ``case_closed``...) and learns that the case moved, not that its
#: request was malformed. A rule missing from this set answers 409, so a state rule added
#: later can never be reported as bad input by omission.
INPUT_RULES = frozenset(
    {
        "role_is_not_accepted",
        "dismissal_needs_reason",
        "close_needs_reason",
        "merge_into_itself",
        "merge_needs_same_target",
        "due_date_in_the_past",
        "grievance_needs_amount_lines",
        "follow_ups_needed",
        "follow_ups_repeated",
        "decision_needs_outcome",
        "penalty_needs_amount",
        "plan_too_long",
        "first_instalment_not_after_grant",
        "cancellation_needs_reason",
        "reduction_needs_amount",
        "write_off_needs_reason",
        "reversal_needs_reason",
        "date_in_the_future",
        "received_in_the_future",
    }
)


def refusal_status(rule: str) -> int:
    """422 for a rule in ``INPUT_RULES`` (the request itself), 409 for any other rule (the
    case's current state)."""
    return 422 if rule in INPUT_RULES else 409


NUL = "\x00"


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def refuse_nul_in_url(request: Request, call_next: Any) -> Any:
        """Postgres text cannot hold a NUL character: refused before any query (422)."""
        items = request.query_params.multi_items()
        if NUL in request.url.path or any(NUL in k or NUL in v for k, v in items):
            message = "a NUL character (\\x00) is not accepted in the URL"
            return JSONResponse(body("invalid_input", message), 422)
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429:
            headers = {"Retry-After": str(exc.details)}
        return JSONResponse(body(exc.code, exc.message, exc.details), exc.status, headers)

    @app.exception_handler(InvalidActionError)
    async def invalid_action(_: Request, exc: InvalidActionError) -> JSONResponse:
        return JSONResponse(body(exc.rule, exc.message), refusal_status(exc.rule))

    @app.exception_handler(ConflictError)
    async def conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse(body("conflict", str(exc)), 409)

    @app.exception_handler(NotFoundError)
    async def not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse(body("not_found", str(exc)), 404)

    @app.exception_handler(InvalidInputError)
    async def invalid_input(_: Request, exc: InvalidInputError) -> JSONResponse:
        details = {"field": exc.field, "reason": exc.reason}
        return JSONResponse(body("invalid_input", str(exc), details), 422)

    @app.exception_handler(VigieError)
    async def vigie_error(_: Request, exc: VigieError) -> JSONResponse:
        return JSONResponse(body("error", str(exc)), exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(e["loc"]), "reason": e["msg"]} for e in exc.errors()]
        message = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return JSONResponse(body("invalid_input", message, errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return JSONResponse(body(code, str(exc.detail)), exc.status_code, exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(body("internal_error", "unexpected error: see the server log"), 500)
