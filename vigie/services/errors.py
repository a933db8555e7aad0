"""Explicit error types, each mapped to an HTTP status by the API and an exit code by the CLI."""

from __future__ import annotations


class VigieError(Exception):
    http_status = 500
    exit_code = 1


class NotFoundError(VigieError):
    http_status = 404
    exit_code = 4


class ConflictError(VigieError):
    """The thing exists already (e.g. an open case for this target and period)."""

    http_status = 409
    exit_code = 3


class InvalidActionError(VigieError):
    """An action breaks a rule of the procedure; ``rule`` names it."""

    http_status = 422
    exit_code = 2

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"[{rule}] {message}")
        self.rule = rule
        self.message = message


class InvalidInputError(VigieError):
    """A value given by the user is wrong; ``field`` names the argument or field."""

    http_status = 422
    exit_code = 2

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}={value!s}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason


class UnavailableError(VigieError):
    """A service the request needs did not answer in time (a case workflow with no worker
    running, Temporal restarting); the request may be retried with the same request id."""

    http_status = 503
    exit_code = 5
