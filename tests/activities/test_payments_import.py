"""Payments files are validated whole before anything is applied: every problem names its
line, its field and the reason, and a file with any problem writes nothing (no import record,
no payment in suspense). No Temporal server is needed: a refused file never reaches it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from temporalio.client import Client

from models import PaymentImport, SuspendedPayment
from models.recovery_actions import PaymentMethod
from vigie.services.errors import ConflictError
from vigie.services.payment_file import PaymentFileError, read_payments
from vigie.services.payments import import_payments, start_import

HEADER = "payment_ref,paid_on,amount,debt_ref,debtor,method"
#: never used: a refused file must not reach Temporal
NO_CLIENT = cast(Client, None)


def write(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(PaymentImport)).one(),
            s.exec(select(func.count()).select_from(SuspendedPayment)).one(),
        )


async def refused(engine: Engine, path: Path) -> list[tuple[int | None, str, str]]:
    """The problems ``import_payments`` lists for ``path``; it wrote nothing."""
    before = counts(engine)
    with pytest.raises(PaymentFileError) as refusal:
        await import_payments(NO_CLIENT, engine, path, "alice")
    assert counts(engine) == before
    return [(e.line, e.field, e.reason) for e in refusal.value.errors]


def reason_of(errors: list[tuple[int | None, str, str]], line: int | None, field: str) -> str:
    [reason] = [r for n, f, r in errors if (n, f) == (line, field)]
    return reason


async def test_a_bad_file_is_refused_with_each_line_field_and_reason_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        [
            "ok-1,2025-03-01,10.00,C-1/debt-1,,transfer",  # line 2: valid, not loaded either
            "p-3,2025-02-30,10.00,,professional:X1,",  # 3: no such day
            "p-4,2025-03-01,-5.00,,professional:X1,",  # 4: negative
            "p-5,2025-03-01,1.005,,professional:X1,",  # 5: three decimals
            "p-5,2025-03-01,1.00,,professional:X1,",  # 6: payment_ref already on line 5
            "p-7,2025-03-01,1.00,,,",  # 7: neither debt_ref nor debtor
            "p-8,2025-03-01,1.00,,professional:X1,bitcoin",  # 8: unknown method
        ],
    )
    errors = await refused(engine, path)
    assert sorted((n or 0, f) for n, f, _ in errors) == [
        (3, "paid_on"),
        (4, "amount"),
        (5, "amount"),
        (6, "payment_ref"),
        (7, "debt_ref"),
        (8, "method"),
    ]
    assert "not a date" in reason_of(errors, 3, "paid_on")
    assert "positive" in reason_of(errors, 4, "amount")
    assert "more than two decimals" in reason_of(errors, 5, "amount")
    assert "already on line 5" in reason_of(errors, 6, "payment_ref")
    assert "debt_ref or the debtor" in reason_of(errors, 7, "debt_ref")
    assert "'bitcoin'" in reason_of(errors, 8, "method")
    assert "transfer" in reason_of(errors, 8, "method")  # with the allowed methods


async def test_a_file_missing_a_required_column_is_refused_at_its_header(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, ["p-1,2025-03-01,C-1/debt-1"], header="payment_ref,paid_on,debt_ref")
    errors = await refused(engine, path)
    assert errors == [(None, "<header>", "missing column(s): amount")]
    path = write(tmp_path, ["p-1,2025-03-01,10.00"], header="payment_ref,paid_on,amount")
    errors = await refused(engine, path)
    assert errors == [(None, "<header>", "missing column(s): debt_ref or debtor")]


async def test_a_file_not_in_utf8_is_refused_at_the_line_of_the_bad_bytes(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"{HEADER}\n".encode()
        + b"p-1,2025-03-01,10.00,,professional:X1,\n"
        + "p-2,2025-03-01,10.00,,professional:Cl\u00e9ment,\n".encode("latin-1")
    )
    errors = await refused(engine, path)
    [(line, field, reason)] = errors
    assert (line, field) == (3, "<file>") and "UTF-8" in reason


async def test_amounts_that_do_not_fit_a_money_column_are_refused_not_crashing(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        ["big-1,2025-03-01,1e30,,professional:X1,", "big-2,2025-03-01,1000000000000.00,,X1,"],
    )
    errors = await refused(engine, path)
    assert sorted((n or 0, f) for n, f, _ in errors) == [(2, "amount"), (3, "amount")]


async def test_references_longer_than_can_be_stored_are_refused(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, [f"{'r' * 81},2025-03-01,10.00,,professional:{'9' * 120},"])
    errors = await refused(engine, path)
    assert sorted(f for _, f, _ in errors) == ["debtor", "payment_ref"]


def test_french_amounts_and_dates_are_accepted_with_a_semicolon_separator(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        [
            "v-1;31/12/2025;12,50;C-1/debt-2;;cheque",
            "v-2;2025-12-30;1 250,40;;professional:10001234567;",
            "v-3;01/02/2026;7;;10001234567;",
        ],
        header="payment_ref;paid_on;amount;debt_ref;debtor;method",
    )
    first, second, third = read_payments(path)
    assert (first.line, first.payment_ref, first.paid_on, first.amount) == (
        2,
        "v-1",
        date(2025, 12, 31),
        Decimal("12.50"),
    )
    assert first.method is PaymentMethod.CHEQUE and first.debt_ref == "C-1/debt-2"
    assert first.debtor is None
    assert second.amount == Decimal("1250.40") and second.paid_on == date(2025, 12, 30)
    assert second.method is PaymentMethod.TRANSFER  # the default
    assert second.debtor == "professional:10001234567" and second.debt_ref is None
    assert (third.line, third.amount, third.paid_on) == (4, Decimal("7"), date(2026, 2, 1))


def test_a_comma_separated_file_takes_quoted_french_amounts_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        '\ufeffpayment_ref,paid_on,amount,debtor\nc-1,31/12/2025,"12,50",professional:1\n'.encode()
    )
    [line] = read_payments(path)
    assert (line.payment_ref, line.amount, line.paid_on) == (
        "c-1",
        Decimal("12.50"),
        date(2025, 12, 31),
    )


async def test_lines_are_numbered_as_in_the_file_blank_lines_included(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        ["b-1,2025-03-01,10.00,,professional:X1,", "", "b-3,2025-03-01,ten,,professional:X1,"],
    )
    errors = await refused(engine, path)
    assert [(n, f) for n, f, _ in errors] == [(4, "amount")]


def test_a_file_already_imported_is_refused_naming_the_day_in_paris_and_the_import(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, [f"{uuid.uuid4().hex},2025-12-31,10.00,,professional:X1,"])
    with Session(engine) as s:
        earlier = PaymentImport(
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            file_name="p.csv",
            imported_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 00:30 in Paris
            imported_by="alice",
            rows=1,
            matched=1,
            status="done",
        )
        s.add(earlier)
        s.commit()
        s.refresh(earlier)
    with pytest.raises(ConflictError) as refusal:
        start_import(engine, path, "bruno", 1)
    assert str(refusal.value) == (
        f"this file was imported on 2026-01-01 as import #{earlier.id} (1 matched, 0 in suspense)"
    )


async def test_a_line_with_more_values_than_columns_is_refused_not_shifted(
    engine: Engine, tmp_path: Path
) -> None:
    """An unquoted ``12,50`` in a comma-separated file would read as 12 EUR paid by debtor
    50: the line is refused instead."""
    path = write(tmp_path, ["s-1,2025-03-01,12,50,X1"], header="payment_ref,paid_on,amount,debtor")
    errors = await refused(engine, path)
    [(line, field, reason)] = errors
    assert (line, field) == (2, "<line>") and '"12,50"' in reason
    path = write(
        tmp_path, ["s-1,2025-03-01,12.50,X1,,"], header="payment_ref,paid_on,amount,debtor"
    )
    [line_read] = read_payments(path)  # trailing empty values are no shift
    assert (line_read.amount, line_read.debtor) == (Decimal("12.50"), "X1")
