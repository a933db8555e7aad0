"""Arrow tables and incremental writing (Parquet or CSV) of synthetic claims."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from detection.catalog import REGIONS
from detection.synth_fraud import Cols, take
from detection.synth_world import CODE_STR, NONE_DAY, PROF_NAMES, World


def _decimal(units: np.ndarray, scale: int, valid: np.ndarray | None = None) -> pa.Array:
    """Exact decimal128 array from integer units (cents, tenths) without float rounding."""
    buf = np.zeros((len(units), 2), dtype=np.int64)
    buf[:, 0] = units
    arr = pa.Array.from_buffers(
        pa.decimal128(14, scale), len(units), [None, pa.py_buffer(buf.tobytes())]
    )
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, arr.type))
    return arr


def _ids(prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    text = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    out = pc.binary_join_element_wise(prefix, text, "")
    if valid is not None:
        out = pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))
    return out


def _dates(w: World, days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    epoch = int(w.start.astype("datetime64[D]").astype(np.int64))
    arr = pa.array(
        (epoch + np.where(valid if valid is not None else True, days, 0)).astype(np.int32)
    ).cast(pa.date32())
    if valid is not None:
        arr = pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.date32()))
    return arr


def beneficiary_ids(bene: np.ndarray) -> pa.Array:
    """Pseudonymised beneficiary ids (a bijection of the index below 10**9)."""
    return _ids("B", (bene * 2654435761 + 1234567) % 10**9, 9)


def claims_table(
    w: World, cols: Cols, billed: np.ndarray, reimbursed: np.ndarray, first_id: int
) -> pa.Table:
    """The chunk's claims in the claims format, sorted by day, provider and time."""
    order = np.lexsort((cols["minute"], cols["prov"], cols["day"]))
    cols = take(cols, order)
    billed, reimbursed = billed[order], reimbursed[order]
    n = len(order)
    bene, prov = cols["bene"], cols["prov"]
    death = w.bene_death[bene]
    s_start, s_end = w.bene_stay_start[bene], w.bene_stay_end[bene]
    has_stay = s_start < NONE_DAY
    hhmm = pc.binary_join_element_wise(
        _ids("", cols["minute"] // 60, 2), _ids("", cols["minute"] % 60, 2), ":"
    )
    presc = cols["prescriber"]
    km = cols["km"]
    return pa.table(
        {
            "claim_id": _ids("C", np.arange(first_id, first_id + n), 10),
            "provider_id": pa.array(w.provider_ids).take(pa.array(prov)),
            "profession": pa.array(PROF_NAMES).take(pa.array(w.prov_prof[prov])),
            "region": pa.array(REGIONS).take(pa.array(w.prov_region[prov])),
            "beneficiary_id": beneficiary_ids(bene),
            "act_code": pa.array(CODE_STR).take(pa.array(cols["code"])),
            "service_date": _dates(w, cols["day"]),
            "quantity": pa.array(cols["qty"].astype(np.int64)),
            "amount_billed": _decimal(billed, 2),
            "amount_reimbursed": _decimal(reimbursed, 2),
            "prescriber_id": _ids("R", (presc * 2654435761 + 7654321) % 10**8, 8, presc >= 0),
            "beneficiary_death_date": _dates(w, death, death < NONE_DAY),
            "hospital_stay_start": _dates(w, s_start, has_stay),
            "hospital_stay_end": _dates(w, s_end, has_stay),
            "distance_km": _decimal(
                np.nan_to_num(km * 10).round().astype(np.int64), 1, ~np.isnan(km)
            ),
            "service_time": hhmm,
            "beneficiary_birth_year": pa.array(w.bene_birth_year[bene]),
            "beneficiary_chronic": pa.array(w.bene_ald[bene]),
        }
    )


class Writer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.parquet = path.suffix.lower() in (".parquet", ".pq")
        self._writer: pq.ParquetWriter | pacsv.CSVWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            if self.parquet:
                self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            else:
                self._writer = pacsv.CSVWriter(
                    self.path, table.schema, write_options=pacsv.WriteOptions(quoting_style="none")
                )
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
