from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from detection.schema import ClaimsFormatError, read_claims, sniff_delimiter, validate_claims

HEADER = (
    "claim_id,provider_id,profession,region,beneficiary_id,act_code,service_date,"
    "quantity,amount_billed,amount_reimbursed"
)
GOOD = [
    "C1,P1,nurse,bretagne,B1,AMI1,2025-01-06,1,3.15,1.89",
    "C2,P1,nurse,bretagne,B2,AMI4,2025-01-06,1,12.60,7.56",
    "C3,P1,nurse,bretagne,B1,IFD,2025-01-07,2,5.50,3.30",
]


def _write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _refused(path: Path) -> ClaimsFormatError:
    result = None
    with pytest.raises(ClaimsFormatError) as info:
        result = read_claims(path)
    assert result is None  # all or nothing: nothing is returned
    return info.value


def test_valid_file_is_read_with_exact_decimal_money(tmp_path: Path) -> None:
    df = read_claims(_write(tmp_path, GOOD), money="decimal")
    assert list(df["amount_billed"]) == [Decimal("3.15"), Decimal("12.60"), Decimal("5.50")]
    assert df["quantity"].tolist() == [1, 1, 2]


@pytest.mark.parametrize(
    ("bad_line", "field", "reason"),
    [
        ("C9,P1,nurse,bretagne,B1,AMI1,2025-01-08,two,3.15,1.89", "quantity", "integer"),
        ("C9,P1,nurse,bretagne,B1,AMI1,2025-01-08,1,-3.15,1.89", "amount_billed", "negative"),
        ("C9,P1,nurse,bretagne,B1,AMI1,2025-02-30,1,3.15,1.89", "service_date", "date"),
        ("C9,P1,nurse,bretagne,B1,AMI1,2025-01-08,1,3.155,1.89", "amount_billed", "decimals"),
        ("C2,P1,nurse,bretagne,B1,AMI1,2025-01-08,1,3.15,1.89", "claim_id", "duplicated"),
    ],
)
def test_bad_claims_file_is_refused_with_line_and_reason(
    tmp_path: Path, bad_line: str, field: str, reason: str
) -> None:
    error = _refused(_write(tmp_path, [*GOOD, bad_line]))
    assert len(error.errors) == 1
    (only,) = error.errors
    assert only.line == 5  # header is line 1, the bad row is the 4th data row
    assert only.field == field
    assert reason in only.reason
    assert f"line 5, field {field}" in str(error)


def test_duplicated_claim_id_names_the_first_occurrence(tmp_path: Path) -> None:
    error = _refused(_write(tmp_path, [*GOOD, "C2,P1,nurse,bretagne,B1,AMI1,2025-01-08,1,1,1"]))
    assert "first seen at line 3" in error.errors[0].reason


def test_unknown_column_is_refused_on_the_header_line(tmp_path: Path) -> None:
    lines = [line + ",x" for line in GOOD]
    error = _refused(_write(tmp_path, lines, header=HEADER + ",favourite_colour"))
    assert [(e.line, e.field, e.reason) for e in error.errors] == [
        (1, "favourite_colour", "unknown column")
    ]


def test_missing_required_column_is_refused(tmp_path: Path) -> None:
    header = HEADER.replace(",amount_reimbursed", "")
    lines = [line.rsplit(",", 1)[0] for line in GOOD]
    error = _refused(_write(tmp_path, lines, header=header))
    assert error.errors[0].field == "amount_reimbursed"
    assert error.errors[0].reason == "missing required column"


def test_every_error_is_listed_not_only_the_first(tmp_path: Path) -> None:
    lines = [
        *GOOD,
        "C8,P1,nurse,bretagne,B1,AMI1,2025-13-01,1,3.15,1.89",
        "C9,P1,nurse,bretagne,B1,AMI1,2025-01-08,1,3.15,-1",
    ]
    error = _refused(_write(tmp_path, lines))
    assert {(e.line, e.field) for e in error.errors} == {
        (5, "service_date"),
        (6, "amount_reimbursed"),
    }


def test_generated_parquet_is_valid(claims_df) -> None:  # type: ignore[no-untyped-def]
    assert validate_claims(claims_df) == []


def test_scoring_an_extract_ignores_and_names_columns_outside_the_format(
    tmp_path: Path,
) -> None:
    lines = [line + ",1" for line in GOOD]
    df = read_claims(_write(tmp_path, lines, header=HEADER + ",label"), unknown="ignore")
    assert df.attrs["ignored_columns"] == ["label"]
    assert "label" not in df.columns
    assert len(df) == 3


def test_integer_quantities_written_with_a_zero_fraction_are_accepted(tmp_path: Path) -> None:
    lines = [line.replace(",1,3.15", ",1.0,3.15").replace(",2,5.50", ",2.00,5.50") for line in GOOD]
    df = read_claims(_write(tmp_path, lines))
    assert df["quantity"].tolist() == [1, 1, 2]


@pytest.mark.parametrize("quantity", ["1.5", "0.0"])
def test_fractional_or_zero_quantities_are_refused(tmp_path: Path, quantity: str) -> None:
    bad = f"C9,P1,nurse,bretagne,B1,AMI1,2025-01-08,{quantity},3.15,1.89"
    error = _refused(_write(tmp_path, [*GOOD, bad]))
    assert [(e.line, e.field) for e in error.errors] == [(5, "quantity")]


def test_a_midnight_timestamp_is_read_as_its_date(tmp_path: Path) -> None:
    lines = [line.replace("2025-01-06", "2025-01-06 00:00:00") for line in GOOD]
    df = read_claims(_write(tmp_path, lines))
    assert str(df["service_date"].iloc[0].date()) == "2025-01-06"


def test_a_timestamp_with_a_time_of_day_in_a_date_column_is_refused(tmp_path: Path) -> None:
    bad = "C9,P1,nurse,bretagne,B1,AMI1,2025-01-08 14:30:00,1,3.15,1.89"
    error = _refused(_write(tmp_path, [*GOOD, bad]))
    assert [(e.line, e.field) for e in error.errors] == [(5, "service_date")]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Infirmière libérale", "nurse"),
        ("IDEL", "nurse"),
        ("Médecin généraliste", "gp"),
        ("Masseur-kinésithérapeute", "physiotherapist"),
        ("Chirurgien-dentiste", "dentist"),
        ("Audioprothésiste", "hearing_aid"),
        ("Taxi", "transport"),
        ("Orthophoniste", "orthophoniste"),
    ],
)
def test_professions_as_extracts_spell_them_map_to_the_known_values(
    tmp_path: Path, written: str, canonical: str
) -> None:
    lines = [line.replace(",nurse,", f",{written},") for line in GOOD]
    df = read_claims(_write(tmp_path, lines))
    assert set(df["profession"]) == {canonical}


@pytest.mark.parametrize(
    ("header", "separator"),
    [("a,b;c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("claim_id", ",")],
)
def test_the_field_separator_is_the_one_that_splits_the_header(header: str, separator: str) -> None:
    assert sniff_delimiter(header) == separator


def test_a_comma_amount_in_a_comma_separated_file_is_still_refused(tmp_path: Path) -> None:
    bad = 'C9,P1,nurse,bretagne,B1,AMI1,2025-01-08,1,"3,15",1.89'
    error = _refused(_write(tmp_path, [*GOOD, bad]))
    assert [(e.line, e.field) for e in error.errors] == [(5, "amount_billed")]


def _with_insured(tmp_path: Path, year: str, chronic: str) -> Path:
    header = HEADER + ",beneficiary_birth_year,beneficiary_chronic"
    return _write(tmp_path, [line + f",{year},{chronic}" for line in GOOD], header=header)


@pytest.mark.parametrize(("year", "chronic"), [("1950", "true"), ("1980.0", "0"), ("", "FALSE")])
def test_birth_year_and_chronic_status_are_optional_columns_read_as_typed_values(
    tmp_path: Path, year: str, chronic: str
) -> None:
    df = read_claims(_with_insured(tmp_path, year, chronic))
    expected_year = int(float(year)) if year else None
    assert df["beneficiary_birth_year"].tolist() == [expected_year or pd.NA] * 3
    assert df["beneficiary_chronic"].tolist() == [chronic.lower() in ("true", "1")] * 3


@pytest.mark.parametrize(
    ("year", "chronic", "field"),
    [
        ("1899", "1", "beneficiary_birth_year"),
        ("3000", "1", "beneficiary_birth_year"),
        ("nineteen", "1", "beneficiary_birth_year"),
        ("1950", "yes", "beneficiary_chronic"),
        ("1950", "2", "beneficiary_chronic"),
    ],
)
def test_a_birth_year_outside_1900_to_this_year_or_a_chronic_status_not_boolean_is_refused(
    tmp_path: Path, year: str, chronic: str, field: str
) -> None:
    error = _refused(_with_insured(tmp_path, year, chronic))
    assert {(e.line, e.field) for e in error.errors} == {(2, field), (3, field), (4, field)}


def test_typed_birth_year_and_chronic_status_in_parquet_are_accepted(
    tmp_path: Path, claims_df: pd.DataFrame
) -> None:
    frame = claims_df.head(5).assign(
        beneficiary_birth_year=pd.array([1950, None, 1990, 2001, 1930], dtype="Int64"),
        beneficiary_chronic=pd.array([True, False, None, True, False], dtype="boolean"),
    )
    path = tmp_path / "claims.parquet"
    frame.to_parquet(path)
    df = read_claims(path)
    assert df["beneficiary_birth_year"].tolist()[:2] == [1950, pd.NA]
    assert df["beneficiary_chronic"].tolist()[:3] == [True, False, pd.NA]


def test_a_value_with_surrounding_whitespace_is_read_stripped_as_before(tmp_path: Path) -> None:
    lines = [line.replace(",P1,", ",\tP1 ,").replace(",3.15,", ", 3.15 ,") for line in GOOD]
    df = read_claims(_write(tmp_path, lines))
    assert set(df["provider_id"]) == {"P1"}
    assert df["amount_billed"].tolist()[0] == 3.15
