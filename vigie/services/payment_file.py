"""Read a payments file (CSV from the bank or the accounting system), validated whole:
every problem names its line, its field and the reason, and a file with any problem loads
nothing.

Columns: ``payment_ref`` (unique in the file), ``paid_on`` (YYYY-MM-DD or DD/MM/YYYY),
``amount`` (``1250.40`` or ``1250,40``, positive), and at least one of ``debt_ref``
(``CASE_ID/debt-N``, as `vigie case show` prints it) or ``debtor`` (a target key such as
``professional:10001234567``); ``method`` is optional (transfer, cheque, card, offset,
garnishment; default transfer). Separators ``,`` ``;`` or tab; UTF-8 (with or without BOM).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from models.recovery_actions import PaymentMethod
from models.types import MONEY_DIGITS, MONEY_PLACES

REQUIRED = ("payment_ref", "paid_on", "amount")
OPTIONAL = ("debt_ref", "debtor", "method")
MAX_ERRORS = 50
#: what a NUMERIC(14, 2) money column holds
MAX_AMOUNT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
#: the longest values the suspense table and the payment action can hold (the payment's
#: request id, ``payment-<import id>-<payment_ref>``, must stay within 100 characters)
MAX_LENGTH = {"payment_ref": 80, "debtor": 120, "debt_ref": 200}


@dataclass(frozen=True)
class PaymentLine:
    line: int
    payment_ref: str
    paid_on: date
    amount: Decimal
    method: PaymentMethod
    debt_ref: str | None
    debtor: str | None


@dataclass(frozen=True)
class LineError:
    line: int | None  # None: the file as a whole
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}field {self.field}: {self.reason}"


class PaymentFileError(Exception):
    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:3]))
        self.errors = errors


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PaymentFileError(
            [
                LineError(
                    line, "<file>", "not UTF-8: re-save it as UTF-8 (CSV UTF-8 in a spreadsheet)"
                )
            ]
        ) from None


def _date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _amount(text: str) -> Decimal:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{text!r}: a payment is a positive amount")
    if value >= MAX_AMOUNT:
        raise ValueError(f"{text!r} is too large for an amount")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{text!r} has more than two decimals (never rounded)")
    return value


def read_payments(path: Path) -> list[PaymentLine]:
    """All the payments of ``path``; ``PaymentFileError`` lists every problem."""
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise PaymentFileError(
            [LineError(None, "<file>", f"cannot read: {exc.strerror}")]
        ) from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(",;\t", key=first.count)
    # newline="": the csv module splits the lines itself (CR alone ends a line too)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:  # e.g. a header field over the csv module's size limit
        raise PaymentFileError(
            [LineError(reader.line_num, "<header>", f"not CSV: {exc}")]
        ) from None
    columns = [c.strip() for c in fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in REQUIRED if c not in columns]
    if missing or not ({"debt_ref", "debtor"} & set(columns)):
        needed = [*missing] + (
            [] if {"debt_ref", "debtor"} & set(columns) else ["debt_ref or debtor"]
        )
        raise PaymentFileError(
            [LineError(None, "<header>", f"missing column(s): {', '.join(needed)}")]
        )
    errors: list[LineError] = []
    lines: list[PaymentLine] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            # the file's own line number: blank lines (skipped by the reader) still count
            parsed = _parse_row(reader.line_num, row, seen, errors)
            if parsed is not None:
                lines.append(parsed)
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        errors.append(LineError(reader.line_num, "<line>", f"not CSV: {exc}"))
    if not lines and not errors:
        errors.append(LineError(None, "<file>", "no payments in the file"))
    if errors:
        raise PaymentFileError(errors)
    return lines


def _parse_row(
    number: int, row: dict[str, str | None], seen: dict[str, int], errors: list[LineError]
) -> PaymentLine | None:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    before = len(errors)
    # values beyond the header's columns (trailing empty ones are harmless), e.g. an
    # unquoted 12,50 in a comma-separated file: every column after it shifted
    extra = [v for v in row.get(None) or [] if v.strip()]  # type: ignore[call-overload]
    if extra:
        errors.append(
            LineError(
                number,
                "<line>",
                f"{len(extra)} value(s) more than the header's columns "
                '(quote amounts written with a comma, "12,50", or separate with ;)',
            )
        )
        return None
    for name, longest in MAX_LENGTH.items():
        if len(cell(name)) > longest:
            errors.append(LineError(number, name, f"longer than {longest} characters"))
        if "\x00" in cell(name):  # Postgres text cannot hold it
            errors.append(LineError(number, name, "contains a NUL character"))
    ref = cell("payment_ref")
    if not ref:
        errors.append(LineError(number, "payment_ref", "empty"))
    elif ref in seen:
        errors.append(LineError(number, "payment_ref", f"{ref!r} already on line {seen[ref]}"))
    else:
        seen[ref] = number
    values: dict[str, object] = {}
    for name, parse in (("paid_on", _date), ("amount", _amount)):
        try:
            values[name] = parse(cell(name))
        except ValueError as exc:
            errors.append(LineError(number, name, str(exc)))
    method_text = cell("method") or PaymentMethod.TRANSFER.value
    try:
        method = PaymentMethod(method_text)
    except ValueError:
        allowed = ", ".join(m.value for m in PaymentMethod)
        errors.append(LineError(number, "method", f"{method_text!r}: one of {allowed}"))
        method = PaymentMethod.TRANSFER
    debt_ref, debtor = cell("debt_ref") or None, cell("debtor") or None
    if debt_ref is None and debtor is None:
        errors.append(LineError(number, "debt_ref", "give the debt_ref or the debtor"))
    if debt_ref is not None and "/" not in debt_ref:
        errors.append(LineError(number, "debt_ref", f"{debt_ref!r}: expected CASE_ID/debt-N"))
    if len(errors) > before:
        return None
    return PaymentLine(
        line=number,
        payment_ref=ref,
        paid_on=values["paid_on"],  # type: ignore[arg-type]
        amount=values["amount"],  # type: ignore[arg-type]
        method=method,
        debt_ref=debt_ref,
        debtor=debtor,
    )
