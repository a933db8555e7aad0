"""Synthetic case records at scale, loaded by COPY: cases, targets, audit rows, ledger entries,
debts and tasks shaped like the ones the workflows write (same tables, same kinds), so the
read paths (worklist, case page, indicators) can be measured at 100k and 1M cases.

Cases are opened in order over the years since 2023; the newest 30,000 are open, the older
ones closed (a fund keeps closed cases for years). Per case: 1 target, 5 audit rows, 10
ledger entries (harm, due, payments, offsets, write-offs; some reversed), 1 debt once
notified, 1 open task while the case is open. At 1M cases: 5M audit rows and 10M ledger
entries. Rows are generated in Python as COPY text,
deterministically from the case number, in chunks so memory stays flat; two processes
generate the next chunks while this one copies the last into Postgres (generating a chunk
took about as long as copying it: now they overlap).
"""

from __future__ import annotations

import io
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta

import psycopg

log = logging.getLogger(__name__)

PROFESSIONS = ("nurse", "physiotherapist", "gp", "dentist", "pharmacy", "transport", "lab")
REGIONS = ("occitanie", "bretagne", "ile_de_france", "grand_est", "normandie", "corse")
STAGES = (  # (stage, weight) of the open cases, a third of them closing
    ("triage", 10),
    ("investigation", 25),
    ("follow_ups", 10),
    ("recovery", 20),
    ("closed", 35),
)
INVESTIGATORS = 300
#: cases open at any time: a fund opens tens of thousands of cases a year and keeps them for
#: years, so at 1M cases nearly all are closed; the newest OPEN_CASES are along the procedure
OPEN_CASES = 30_000
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
CHUNK = 20_000  # cases per COPY batch
GENERATORS = 2  # processes generating chunks ahead of the COPY
AHEAD = 4  # chunks generated ahead at most: memory stays flat


def investigator(i: int) -> str:
    return f"inv{i % INVESTIGATORS:03d}"


def _stage(rng: random.Random, i: int, n: int) -> str:
    if i < n - OPEN_CASES:
        return "closed"
    return rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES])[0]


def _ts(moment: datetime) -> str:
    return moment.isoformat()


class Rows:
    """The COPY text of one chunk, one buffer per table."""

    def __init__(self) -> None:
        self.buffers: dict[str, io.StringIO] = {
            t: io.StringIO() for t in ("target", "fraud_case", "audit_log", "ledger_entry")
        }
        self.buffers["debt"] = io.StringIO()
        self.buffers["task"] = io.StringIO()

    def add(self, table: str, *values: object) -> None:
        self.buffers[table].write("\t".join("\\N" if v is None else str(v) for v in values) + "\n")


COLUMNS = {
    "target": "id, actor_type, identifier, profession, region, display_name, created_at",
    "fraud_case": (
        "id, target_id, period, typology, source, stage, assignee, estimated_stake, "
        "harm_suffered, harm_avoided, amount_due, amount_recovered, amount_written_off, "
        "open_tracks, close_reason, opened_at, updated_at, closed_at, last_seq"
    ),
    "audit_log": (
        "case_id, seq, request_id, at, actor, action, from_stage, to_stage, reason, details"
    ),
    "ledger_entry": (
        "case_id, seq, line, kind, amount, qualification, track, booked_at, debt, debtor, "
        "effective_on, source, reverses, ref"
    ),
    "debt": "case_id, key, kind, debtor, qualification, origin, established_at, notified_on, "
    "prescribed_on",
    "task": "case_id, key, kind, title, assignee, status, due_at, created_at, escalated_to",
}


def case_rows(i: int, n: int, rows: Rows, now: datetime) -> None:
    rng = random.Random(i)
    profession, region = PROFESSIONS[i % 7], REGIONS[i % 6]
    target = f"professional:{i:09d}"
    case_id = f"case:{target}:2025"
    stage = _stage(rng, i, n)
    span = (now - EPOCH) * 0.9  # opened in order over the years, the last ones this year
    opened = EPOCH + span * (i / n) + timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
    step = min(now - opened, timedelta(days=300)) / 6  # a case lasts months, not years
    at = [opened + step * k for k in range(5)]
    qualification = "fraud" if rng.random() < 0.4 else "fault"
    harm = rng.randrange(50_000, 5_000_000)  # cents
    paid = harm * rng.randrange(0, 60) // 100 // 3 * 3 if stage in ("recovery", "closed") else 0
    offset = harm * rng.randrange(0, 20) // 100 if stage in ("recovery", "closed") else 0
    written = (harm - paid - offset) if stage == "closed" else 0  # a case closes settled
    who = investigator(i)
    rows.add("target", target, "professional", f"{i:09d}", profession, region, None, _ts(opened))
    rows.add(
        "fraud_case", case_id, target, "2025", f"{profession}_overbilling", "detection", stage,
        who, f"{harm * 1.3 / 100:.2f}", f"{harm / 100:.2f}", "0.00",
        f"{harm / 100:.2f}" if stage in ("recovery", "closed") else "0.00",
        f"{(paid + offset) / 100:.2f}", f"{written / 100:.2f}",
        "recovery" if stage == "recovery" else "", "done" if stage == "closed" else None,
        _ts(opened), _ts(at[4]), _ts(at[4]) if stage == "closed" else None, 5,
    )  # fmt: skip
    actions = ("open", "assign", "open_investigation", "record_grievance", "notify_debts")
    for seq, action in enumerate(actions, start=1):
        rows.add(
            "audit_log", case_id, seq, f"r-{i}-{seq}", _ts(at[seq - 1]),
            "system" if seq == 1 else who, action, None, None, None, "{}",
        )  # fmt: skip
    notified = stage in ("recovery", "closed")
    debt = "debt-5" if notified else None
    debtor = target if notified else None
    eff = (at[4] + timedelta(days=20)).date()
    entries: list[tuple[str, int, str | None, date | None]] = [
        ("harm_suffered", harm, None, None),
        ("harm_avoided", harm // 10, None, None),
    ]
    if notified:
        entries.append(("due", harm, debt, None))
        for k in range(3):
            entries.append(("payment", paid // 3, debt, eff + timedelta(days=30 * k)))
        entries.append(("offset", offset, debt, eff + timedelta(days=100)))
        entries.append(("written_off", written, debt, eff + timedelta(days=120)))
        entries.append(("payment", 100, debt, eff + timedelta(days=130)))
        entries.append(("reversal", 100, debt, eff + timedelta(days=131)))
    else:
        entries += [("harm_suffered", 0, None, None)] * 8
    for line, (kind, cents, on_debt, effective_on) in enumerate(entries):
        seq = 4 if kind.startswith("harm") else 5
        rows.add(
            "ledger_entry", case_id, seq, line, kind, f"{cents / 100:.2f}", qualification,
            "recovery" if on_debt else None, _ts(at[seq - 1]), on_debt,
            debtor if on_debt else None, effective_on, "action",
            f"5.{line - 1}" if kind == "reversal" else None, f"{seq}.{line}",
        )  # fmt: skip
    if notified:
        prescribed = eff + timedelta(days=365 * (5 if qualification == "fraud" else 3))
        rows.add(
            "debt", case_id, "debt-5", "overpayment", target, qualification, "grievance-4",
            _ts(at[4]), eff - timedelta(days=20), prescribed,
        )  # fmt: skip
    if stage != "closed":
        due = now + timedelta(days=rng.randrange(-60, 90))
        rows.add(
            "task", case_id, f"{stage}-1", "deadline", f"Next step of the {stage} stage", who,
            "open", _ts(due), _ts(at[4]), None,
        )  # fmt: skip


def chunk_text(start: int, n: int, now: datetime) -> dict[str, str]:
    """The COPY text of cases ``start`` to ``start + CHUNK``, per table."""
    rows = Rows()
    for i in range(start, min(n, start + CHUNK)):
        case_rows(i, n, rows, now)
    return {table: buffer.getvalue() for table, buffer in rows.buffers.items()}


def chunks(n: int, now: datetime) -> Iterator[dict[str, str]]:
    """Every chunk's COPY text, in order, generated by ``GENERATORS`` processes ahead."""
    with ProcessPoolExecutor(GENERATORS) as pool:
        pending: deque[Future[dict[str, str]]] = deque()
        starts = iter(range(0, n, CHUNK))
        for start in starts:
            pending.append(pool.submit(chunk_text, start, n, now))
            if len(pending) >= AHEAD:
                break
        while pending:
            texts = pending.popleft().result()
            for start in starts:
                pending.append(pool.submit(chunk_text, start, n, now))
                break
            yield texts


def load(url: str, n: int, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """COPY ``n`` synthetic cases into the (migrated, empty) database at ``url``. Foreign-key
    triggers are off during the load (``session_replication_role = replica``), as in any bulk
    restore; the rows are generated consistent with them. Returns rows per table."""
    now = datetime.now(UTC)
    counts = dict.fromkeys(COLUMNS, 0)
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        users = [
            (investigator(k), f"Investigator {k}", "investigator") for k in range(INVESTIGATORS)
        ]
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO app_user (id, display_name, role, active) VALUES (%s, %s, %s, true)"
                " ON CONFLICT DO NOTHING",
                users,
            )
        done = 0
        for texts in chunks(n, now):
            for table, text in texts.items():
                counts[table] += text.count("\n")
                with conn.cursor().copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                    copy.write(text)
            done = min(n, done + CHUNK)
            if progress:
                progress(done)
        conn.execute("SET session_replication_role = DEFAULT")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    log.info("loaded %d cases in %.0f s: %s", n, time.perf_counter() - started, counts)
    return counts
