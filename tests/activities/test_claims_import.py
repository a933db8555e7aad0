"""Claims import: a bad file is refused with its line, field and reason, and nothing loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from activities.claims_import import import_claims
from detection.schema import WHOLE_FILE, ClaimsFormatError
from models import Claim, ClaimsImport

HEADER = (
    "claim_id,provider_id,profession,region,beneficiary_id,act_code,service_date,"
    "quantity,amount_billed,amount_reimbursed"
)


def good_rows(prefix: str) -> list[str]:
    return [
        f"{prefix}-1,N001,nurse,bretagne,B1,AMI,2025-03-03,1,3.15,3.15",
        f"{prefix}-2,N001,nurse,bretagne,B2,AMI,2025-03-04,2,6.30,6.30",
        f"{prefix}-3,N001,nurse,bretagne,B2,AIS,2025-04-01,1,2.65,1.59",
    ]


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(Claim)).one(),
            s.exec(select(func.count()).select_from(ClaimsImport)).one(),
        )


def test_a_valid_file_loads_every_claim_into_monthly_partitions_with_exact_amounts(
    engine: Engine, tmp_path: Path
) -> None:
    before = counts(engine)
    summary = import_claims(engine, write(tmp_path, good_rows("ok")), "tester")
    assert summary.rows == 3 and summary.months == ["2025-03", "2025-04"]
    assert counts(engine) == (before[0] + 3, before[1] + 1)
    with engine.connect() as conn:
        total = conn.execute(
            text("SELECT sum(amount_billed) FROM claim WHERE import_id = :i"),
            {"i": summary.import_id},
        ).scalar()
        parts = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'claim'::regclass")
        ).scalar()
    assert str(total) == "12.10"
    assert parts >= 2


BAD_FILES = {
    "wrong type": (["w-1,N1,nurse,bretagne,B1,AMI,2025-03-03,two,3.15,3.15"], 2, "quantity"),
    "negative amount": (
        ["n-1,N1,nurse,bretagne,B1,AMI,2025-03-03,1,-3.15,3.15"],
        2,
        "amount_billed",
    ),
    "bad date": (["d-1,N1,nurse,bretagne,B1,AMI,2025-02-30,1,3.15,3.15"], 2, "service_date"),
    "duplicated claim id": (
        [
            "x-1,N1,nurse,bretagne,B1,AMI,2025-03-03,1,3.15,3.15",
            "x-1,N1,nurse,bretagne,B2,AMI,2025-03-04,1,3.15,3.15",
        ],
        3,
        "claim_id",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_claims_file_is_refused_with_the_line_and_field_and_loads_nothing(
    engine: Engine, tmp_path: Path, case: str
) -> None:
    rows, line, field = BAD_FILES[case]
    before = counts(engine)
    with pytest.raises(ClaimsFormatError) as refused:
        import_claims(engine, write(tmp_path, good_rows(case) + rows), "tester")
    err = refused.value.errors[0]
    assert (err.line, err.field) == (line + 3, field), str(refused.value)
    assert err.reason
    assert counts(engine) == before


def test_an_unknown_column_is_refused_by_name_and_loads_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    before = counts(engine)
    rows = [r + ",x" for r in good_rows("u")]
    with pytest.raises(ClaimsFormatError) as refused:
        import_claims(engine, write(tmp_path, rows, HEADER + ",favourite_colour"), "tester")
    err = refused.value.errors[0]
    assert (err.line, err.field, err.reason) == (1, "favourite_colour", "unknown column")
    assert counts(engine) == before


def test_a_claim_id_already_imported_is_refused_and_the_whole_file_loads_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    import_claims(engine, write(tmp_path, good_rows("again")), "tester")
    before = counts(engine)
    fresh = "fresh-1,N001,nurse,bretagne,B9,AMI,2025-05-02,1,3.15,3.15"
    with pytest.raises(ClaimsFormatError) as refused:
        import_claims(engine, write(tmp_path, [fresh, good_rows("again")[1]]), "tester")
    err = refused.value.errors[0]
    assert (err.line, err.field) == (3, "claim_id") and "already imported" in err.reason
    assert counts(engine) == before


def test_floating_point_parquet_amounts_land_as_their_exact_cents(
    engine: Engine, tmp_path: Path
) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "claim_id": ["fp-1", "fp-2"],
            "provider_id": ["N9", "N9"],
            "profession": ["nurse", "nurse"],
            "region": ["bretagne", "bretagne"],
            "beneficiary_id": ["B1", "B2"],
            "act_code": ["AMI", "AMI"],
            "service_date": pd.to_datetime(["2025-07-01", "2025-07-02"]),
            "quantity": [1, 1],
            "amount_billed": [0.1 + 0.2, 3.15],  # 0.30000000000000004 and 3.149999...
            "amount_reimbursed": [0.3, 1.89],
        }
    )
    path = tmp_path / "claims.parquet"
    frame.to_parquet(path)
    summary = import_claims(engine, path, "tester")
    with engine.connect() as conn:
        amounts = (
            conn.execute(
                text(
                    "SELECT amount_billed::text FROM claim WHERE import_id = :i ORDER BY claim_id"
                ),
                {"i": summary.import_id},
            )
            .scalars()
            .all()
        )
    assert amounts == ["0.30", "3.15"]


def test_a_french_spreadsheet_export_lands_with_canonical_values_and_exact_amounts(
    engine: Engine, tmp_path: Path
) -> None:
    """Byte-order mark, ";" between fields, decimal commas, French profession names and
    midnight timestamps: all read exactly, stored the canonical way."""
    rows = [
        "fr-1;N77;Infirmière libérale;bretagne;B1;AMI1;2025-08-04 00:00:00;1;3,15;1,89",
        "fr-2;N77;Infirmière libérale;bretagne;B2;AMI4;2025-08-05 00:00:00;2;25,20;15,12",
    ]
    path = tmp_path / "export.csv"
    path.write_text("\ufeff" + "\n".join([HEADER.replace(",", ";"), *rows]) + "\n", "utf-8")
    summary = import_claims(engine, path, "tester")
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT profession, service_date::text, quantity, amount_billed::text "
                "FROM claim WHERE import_id = :i ORDER BY claim_id"
            ),
            {"i": summary.import_id},
        ).all()
    assert [tuple(r) for r in stored] == [
        ("nurse", "2025-08-04", 1, "3.15"),
        ("nurse", "2025-08-05", 2, "25.20"),
    ]


def test_float_quantities_from_a_parquet_export_land_as_integers(
    engine: Engine, tmp_path: Path
) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "claim_id": ["fq-1"],
            "provider_id": ["N8"],
            "profession": ["nurse"],
            "region": ["bretagne"],
            "beneficiary_id": ["B1"],
            "act_code": ["AMI"],
            "service_date": pd.to_datetime(["2025-09-01"]),
            "quantity": [3.0],
            "amount_billed": [9.45],
            "amount_reimbursed": [5.67],
        }
    )
    path = tmp_path / "claims.parquet"
    frame.to_parquet(path)
    summary = import_claims(engine, path, "tester")
    with engine.connect() as conn:
        quantity = conn.execute(
            text("SELECT quantity FROM claim WHERE import_id = :i"), {"i": summary.import_id}
        ).scalar()
    assert quantity == 3


def test_a_file_imported_before_is_refused_once_naming_that_import(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, good_rows("same-file"))
    first = import_claims(engine, path, "tester")
    before = counts(engine)
    with pytest.raises(ClaimsFormatError) as refused:
        import_claims(engine, path, "tester")
    assert refused.value.total == 1
    err = refused.value.errors[0]
    assert err.line == WHOLE_FILE
    assert re.fullmatch(
        rf"this file was imported on \d{{4}}-\d\d-\d\d as import #{first.import_id}", str(err)
    )
    assert counts(engine) == before


def test_a_file_not_in_utf8_is_refused_with_the_line_of_its_first_bad_byte(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "claims.csv"
    rows = [*good_rows("latin"), "latin-4,N001,Infirmière,bretagne,B3,AMI,2025-03-05,1,3.15,3.15"]
    path.write_bytes("\n".join([HEADER, *rows]).encode("cp1252") + b"\n")
    before = counts(engine)
    with pytest.raises(ClaimsFormatError) as refused:
        import_claims(engine, path, "tester")
    assert [str(e) for e in refused.value.errors] == [
        "line 5: not UTF-8: re-save it as UTF-8 (CSV UTF-8 in a spreadsheet)"
    ]
    assert counts(engine) == before


def test_errors_about_the_whole_file_print_no_line_number(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ClaimsFormatError) as refused:
        import_claims(engine, write(tmp_path, []), "tester")
    assert str(refused.value.errors[0]) == "no claims in the file"
    assert "line 0" not in str(refused.value)
