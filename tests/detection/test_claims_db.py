"""The claims as a DuckDB view (`detection.claims_db`): read and validated in DuckDB, the
same view over a file or a frame, typed NULLs for absent optional columns, care minutes
and expensive flags joined from the catalogue."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detection.claims_db import (
    claims_columns,
    claims_rows,
    connect,
    ignored_columns,
    open_claims,
    workdir,
)
from detection.features import compute_features
from detection.rules import run_rules
from detection.schema import MAX_REPORTED_ERRORS, ClaimsFormatError, read_claims

HEADER = (
    "claim_id,provider_id,profession,region,beneficiary_id,act_code,service_date,"
    "quantity,amount_billed,amount_reimbursed"
)


def _csv(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _line(i: int, act: str = "AMI1", quantity: str = "1", profession: str = "nurse") -> str:
    return f"C{i},P1,{profession},bretagne,B{i % 7},{act},2025-01-06,{quantity},3.15,1.89"


def test_the_view_has_every_format_column_and_absent_optional_ones_are_typed_nulls(
    tmp_path: Path,
) -> None:
    con = open_claims(_csv(tmp_path, [_line(1), _line(2)]))
    try:
        types = dict(
            con.execute("SELECT column_name, column_type FROM (DESCRIBE claims_v)").fetchall()
        )
        assert types["service_date"] == "DATE"
        assert types["amount_billed"] == "DECIMAL(18,2)"
        assert types["beneficiary_death_date"] == "DATE"
        assert types["beneficiary_birth_year"] == "INTEGER"
        assert types["beneficiary_chronic"] == "BOOLEAN"
        assert {"_row", "_care_minutes", "_expensive"} <= set(types)
        nulls = con.execute(
            "SELECT count(prescriber_id), count(distance_km), count(beneficiary_chronic) "
            "FROM claims_v"
        ).fetchall()
        assert nulls == [(0, 0, 0)]
        assert claims_rows(con) == 2
        assert claims_columns(con) == HEADER.split(",")
    finally:
        con.close()


def test_care_minutes_and_expensive_flags_come_from_the_catalogue_per_distinct_act(
    tmp_path: Path,
) -> None:
    lines = [
        _line(1, "AMI4", "2"),  # 30 min x 2, expensive
        _line(2, "ami 4"),  # normalised spelling
        _line(3, "AMI5.5"),  # NGAP coefficient: 41.25 min, not in the catalogue
        _line(4, "XYZ"),  # unknown: no care time, no flag
        _line(5, "AIS3", profession="Infirmière libérale"),  # profession as extracts spell it
    ]
    con = open_claims(_csv(tmp_path, lines))
    try:
        rows = con.execute(
            "SELECT claim_id, profession, _care_minutes, _expensive FROM claims_v ORDER BY _row"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("C1", "nurse", 60.0, True),
        ("C2", "nurse", 30.0, True),
        ("C3", "nurse", 41.25, None),
        ("C4", "nurse", 0.0, None),
        ("C5", "nurse", 30.0, False),
    ]


def test_a_bad_line_in_a_large_csv_is_reported_with_its_line_number(tmp_path: Path) -> None:
    lines = [_line(i) for i in range(300_000)]
    lines[234_567] = _line(234_567, quantity="two")  # read in parallel, reported in order
    with pytest.raises(ClaimsFormatError) as info:
        open_claims(_csv(tmp_path, lines))
    assert [(e.line, e.field, e.value) for e in info.value.errors] == [(234_569, "quantity", "two")]


def test_a_bad_record_in_a_parquet_file_is_reported_with_its_line_number(tmp_path: Path) -> None:
    n = 250_000
    amounts = pa.array([Decimal("3.15")] * n, pa.decimal128(14, 2))
    quantity = pa.array([1] * 200_000 + [0] + [1] * (n - 200_001), pa.int64())
    table = pa.table(
        {
            "claim_id": [f"C{i}" for i in range(n)],
            "provider_id": ["P1"] * n,
            "profession": ["nurse"] * n,
            "region": ["bretagne"] * n,
            "beneficiary_id": ["B1"] * n,
            "act_code": ["AMI1"] * n,
            "service_date": pa.array([20_000] * n, pa.date32()),
            "quantity": quantity,
            "amount_billed": amounts,
            "amount_reimbursed": amounts,
        }
    )
    path = tmp_path / "claims.parquet"
    pq.write_table(table, path, row_group_size=10_000)
    with pytest.raises(ClaimsFormatError) as info:
        open_claims(path)
    assert [(e.line, e.field, e.reason) for e in info.value.errors] == [
        (200_002, "quantity", "quantity must be at least 1")
    ]


def test_the_error_count_goes_beyond_the_errors_reported(tmp_path: Path) -> None:
    lines = [_line(i, quantity="x") for i in range(MAX_REPORTED_ERRORS + 500)]
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(_csv(tmp_path, lines))
    assert info.value.total == MAX_REPORTED_ERRORS + 500
    assert len(info.value.errors) == MAX_REPORTED_ERRORS
    assert [e.line for e in info.value.errors[:3]] == [2, 3, 4]


def test_values_are_read_without_their_surrounding_whitespace(tmp_path: Path) -> None:
    lines = [" C1 ,\tP1,nurse,bretagne,B1,AMI1, 2025-01-06 , 2 ,3.15 ,1.89"]
    con = open_claims(_csv(tmp_path, lines))
    try:
        row = con.execute(
            "SELECT claim_id, provider_id, service_date::VARCHAR, quantity, amount_billed "
            "FROM claims_v"
        ).fetchall()
    finally:
        con.close()
    assert row == [("C1", "P1", "2025-01-06", 2, Decimal("3.15"))]


def test_a_file_and_its_frame_give_the_same_view(
    synth_files: tuple[Path, Path], claims_df: pd.DataFrame
) -> None:
    sql = "SELECT * EXCLUDE (_row) FROM claims_v ORDER BY claim_id"
    views = []
    for source in (synth_files[0], claims_df):
        con = open_claims(source)
        try:
            views.append(con.execute(sql).fetchall())
        finally:
            con.close()
    assert len(views[0]) == len(claims_df)
    assert views[0] == views[1]


def test_features_and_rules_read_the_connection_as_they_read_the_frame(
    synth_files: tuple[Path, Path], claims_df: pd.DataFrame
) -> None:
    con = open_claims(synth_files[0])
    try:
        from_file = compute_features(con)
        hits_file = run_rules(con)
    finally:
        con.close()
    pd.testing.assert_frame_equal(from_file, compute_features(claims_df))
    assert hits_file == run_rules(claims_df)


def test_columns_outside_the_format_are_named_and_left_out_when_asked(tmp_path: Path) -> None:
    path = _csv(tmp_path, [_line(1) + ",1"], header=HEADER + ",label")
    with pytest.raises(ClaimsFormatError):
        open_claims(path)
    con = open_claims(path, unknown="ignore")
    try:
        assert ignored_columns(con) == ["label"]
        assert "label" not in {r[0] for r in con.execute("DESCRIBE claims_v").fetchall()}
    finally:
        con.close()


def test_duckdb_works_within_its_memory_limit_in_a_private_directory_removed_after(
    tmp_path: Path,
) -> None:
    con = connect(memory_limit="1GB", temp_directory=str(tmp_path), threads=2)
    private = workdir(con)
    assert private.parent == tmp_path and private.is_dir()
    limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.startswith("953.") or limit.startswith("1.0")  # 1GB, in GiB or MiB
    assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == 2
    con.close()
    del con
    assert not private.exists()
