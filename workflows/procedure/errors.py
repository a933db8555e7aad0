"""The one error a procedure rule raises: it names the rule broken."""

from __future__ import annotations


class InvalidAction(Exception):  # noqa: N818 - the domain name reads better than *Error
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"[{rule}] {message}")
        self.rule = rule
        self.message = message
