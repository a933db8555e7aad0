"""The files `vigie detect` reads and writes besides claims: labels, scores."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vigie.cli.output import refusal

LABEL_COLUMNS = ("provider_id", "label")
SCORE_COLUMNS = ["provider_id", "score"]
#: kept when present: the ranking itself, and what the size baselines sort by
RANKING_COLUMNS = ("rank", "amount_billed", "n_claims")
#: insured persons' files name their target ``beneficiary_id``
TARGET_ALIASES = {"beneficiary_id": "provider_id"}
#: what pandas raises on a file it cannot read as a table
UNREADABLE = (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pa.ArrowException)


def _read_csv(option: str, path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise refusal(option, path, "no such file")
    try:
        return pd.read_csv(path, dtype={"provider_id": str, "beneficiary_id": str})
    except pd.errors.EmptyDataError:
        raise refusal(option, path, "the file is empty") from None
    except UNREADABLE as exc:
        raise refusal(option, path, f"not a readable CSV file ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _require_columns(option: str, path: Path, frame: pd.DataFrame, needed: list[str]) -> None:
    for name in needed:
        if name not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise refusal(
                option, path, f"no {name} column (columns: {found}); expected {','.join(needed)}"
            )


def _by_target(frame: pd.DataFrame) -> pd.DataFrame:
    """An insured persons' file (``beneficiary_id``) read like a providers' file."""
    if "provider_id" in frame.columns:
        return frame
    frame = frame.rename(columns=TARGET_ALIASES)
    if "provider_id" in frame.columns:
        frame["provider_id"] = frame["provider_id"].astype("string")
    return frame


def read_labels(path: Path) -> pd.DataFrame:
    """``--labels``: CSV ``provider_id,label`` (or ``beneficiary_id,label`` for insured
    persons; more columns allowed), label 0 or 1, each target once. Anything else is refused
    in one line naming the file and the reason."""
    frame = _by_target(_read_csv("--labels", path))
    _require_columns("--labels", path, frame, list(LABEL_COLUMNS))
    line = _first_bad_label_line(frame)
    if line is not None:
        value = frame["label"].iloc[line - 2]
        shown = "empty" if pd.isna(value) else f"'{value}'"
        raise refusal("--labels", path, f"line {line}: label {shown} is not 0 or 1")
    ids = frame["provider_id"]
    if ids.isna().any():
        raise refusal("--labels", path, f"line {int(ids.isna().argmax()) + 2}: no provider_id")
    if ids.duplicated().any():
        twice = int(ids.duplicated().argmax())
        raise refusal(
            "--labels", path, f"line {twice + 2}: provider_id {ids.iloc[twice]} labelled twice"
        )
    return frame.assign(label=pd.to_numeric(frame["label"]).astype(int))


def _first_bad_label_line(frame: pd.DataFrame) -> int | None:
    """The file line (header = 1) of the first label that is not 0 or 1."""
    numbers = pd.to_numeric(frame["label"], errors="coerce")
    bad = ~numbers.isin([0, 1])
    return int(bad.argmax()) + 2 if bad.any() else None


def read_scores(path: Path) -> pd.DataFrame:
    """``--scores``: the output of ``detect score`` (CSV or Parquet); its provider_id and
    score columns."""
    if path.suffix.lower() not in (".parquet", ".pq"):
        frame = _read_csv("--scores", path)
    elif not path.is_file():
        raise refusal("--scores", path, "no such file")
    else:
        try:
            frame = pd.read_parquet(path)
        except UNREADABLE as exc:
            raise refusal("--scores", path, f"not a Parquet file ({_first_line(exc)})") from None
    frame = _by_target(frame)
    _require_columns("--scores", path, frame, SCORE_COLUMNS)
    scores = pd.to_numeric(frame["score"], errors="coerce")
    if scores.isna().any():
        line = int(scores.isna().argmax()) + 2
        raise refusal("--scores", path, f"line {line}: score is not a number")
    kept = SCORE_COLUMNS + [c for c in RANKING_COLUMNS if c in frame.columns]
    out = frame[kept].assign(provider_id=frame["provider_id"].astype(str), score=scores)
    for name in RANKING_COLUMNS:
        if name in out.columns:
            values = pd.to_numeric(out[name], errors="coerce")
            if values.isna().any():
                line = int(values.isna().argmax()) + 2
                raise refusal("--scores", path, f"line {line}: {name} is not a number")
            out[name] = values
    return out


def write_scores(frame: pd.DataFrame, out: Path) -> None:
    """CSV or Parquet by extension; stake as exact decimal, explanation items as JSON."""
    data = frame.copy()
    data["explanation_items"] = [json.dumps(items) for items in data["explanation_items"]]
    if out.suffix.lower() in (".parquet", ".pq"):
        stake = pa.array(list(data.pop("estimated_stake")), pa.decimal128(18, 2))
        table = pa.Table.from_pandas(data, preserve_index=False)
        table = table.add_column(
            table.schema.get_field_index("score") + 2, "estimated_stake", stake
        )
        pq.write_table(table, out)
    else:
        data["estimated_stake"] = data["estimated_stake"].map(str)
        data.to_csv(out, index=False)
