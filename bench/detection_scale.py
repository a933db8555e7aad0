"""Detection at scale: `vigie detect score` on generated claims files (1M and 10M claims),
timed as a subprocess under ``/usr/bin/time -v`` (wall time, peak RSS), against one DuckDB
group-by per provider over the same file, in the same run.

The command is timed from the outside (what a user waits for); its time by stage (import =
read and validate, features, rules, scoring) is read from the line it prints
(``stages: import 4.6 s, features 9.1 s, ...``) and left out if absent. The files are made
by ``vigie synth claims --seed 5``.

    VIGIE_BENCH_DETECTION_CLAIMS=1000000,10000000 python -m bench  (the default scales)
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import Figure, Result

log = logging.getLogger(__name__)

SCALES = tuple(
    int(s) for s in os.environ.get("VIGIE_BENCH_DETECTION_CLAIMS", "1000000,10000000").split(",")
)
SEED = 5
#: detection targets: 10M claims end to end in 60 s, within 3 GB
TARGET_CLAIMS = 10_000_000
TARGET_SECONDS = 60
TARGET_RSS_MB = 3 * 1024
STAGES = ("import", "features", "rules", "scoring")
#: a stage's log line: the stage's name, then its duration in seconds ("features: 12.3 s",
#: "stage=rules seconds=4.1", "scoring done in 30.2s")
STAGE_LINE = re.compile(
    r"\b(?P<stage>import|load|features|rules|scoring|score)\b\D{0,60}?"
    r"(?P<seconds>\d+(?:\.\d+)?)\s*(?:s\b|sec|seconds)",
    re.IGNORECASE,
)
STAGE_NAMES = {"load": "import", "score": "scoring"}
PEAK_RSS = re.compile(r"Maximum resident set size \(kbytes\):\s*(\d+)")


@dataclass
class Run:
    claims: int
    synth_s: float
    score_s: float
    peak_rss_mb: float | None
    duckdb_s: float
    stages: dict[str, float] = field(default_factory=dict)
    failed: str | None = None


def vigie() -> str:
    return str(Path(sys.executable).with_name("vigie"))


def synth(path: Path, labels: Path, claims: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            vigie(),
            "synth",
            "claims",
            "--out",
            str(path),
            "--labels",
            str(labels),
            "--claims",
            str(claims),
            "--seed",
            str(SEED),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def stage_times(output: str) -> dict[str, float]:
    """Per-stage seconds from the command's log lines; empty when it logs none."""
    found: dict[str, float] = {}
    for line in output.splitlines():
        for match in STAGE_LINE.finditer(line):
            stage = match["stage"].lower()
            found[STAGE_NAMES.get(stage, stage)] = float(match["seconds"])
    return {s: found[s] for s in STAGES if s in found}


def score(path: Path, out: Path) -> tuple[float, float | None, dict[str, float], str | None]:
    """(wall s, peak RSS MB, stages, failure) of ``vigie detect score`` on ``path``."""
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    done = subprocess.run(
        [*timer, vigie(), "detect", "score", "--claims", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    output = done.stdout + done.stderr
    rss = PEAK_RSS.search(output)
    failure = None
    if done.returncode != 0:
        said = output.split("\tCommand being timed")[0].strip().splitlines()[-3:]
        failure = f"exit {done.returncode}: " + " ".join(said)[:300]
    peak = int(rss.group(1)) / 1024 if rss else None
    return took, peak, stage_times(output), failure


def duckdb_baseline(path: Path) -> float:
    """One group-by per provider over the same file: the floor of reading it once."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect() as conn:
        conn.execute(
            "SELECT provider_id, count(*), sum(amount_billed) FROM read_parquet(?) GROUP BY 1",
            [str(path)],
        ).fetchall()
    return time.perf_counter() - start


def measure(claims: int, workdir: Path) -> Run:
    path, labels = workdir / f"claims-{claims}.parquet", workdir / f"labels-{claims}.csv"
    made = synth(path, labels, claims)
    log.info("  %d claims generated in %.0f s", claims, made)
    baseline = duckdb_baseline(path)
    took, peak, stages, failure = score(path, workdir / f"scores-{claims}.parquet")
    log.info("  scored in %.1f s (peak %s MB), DuckDB group-by %.2f s", took, peak, baseline)
    for produced in (path, labels, workdir / f"scores-{claims}.parquet"):
        produced.unlink(missing_ok=True)
    return Run(claims, made, took, peak, baseline, stages, failure)


def run() -> Result:
    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-detect-"))
    try:
        runs = [measure(n, workdir) for n in SCALES]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows: list[tuple[str, ...]] = []
    figures: list[Figure] = []
    for r in runs:
        stages = ", ".join(f"{s} {v:.1f} s" for s, v in r.stages.items()) or "not logged"
        rss = f"{r.peak_rss_mb:,.0f}" if r.peak_rss_mb is not None else "n/a"
        rows.append(
            (
                f"{r.claims:,}",
                f"{r.score_s:.1f}" + (" (failed)" if r.failed else ""),
                rss,
                f"{r.duckdb_s:.2f}",
                f"{r.score_s / r.duckdb_s:.0f}x",
                f"{r.claims / r.score_s:,.0f}",
                stages,
            )
        )
        held = r.claims >= TARGET_CLAIMS and not r.failed  # the targets are set at 10M
        figures.append(
            Figure(
                f"vigie detect score, {r.claims:,} claims",
                r.score_s,
                "s",
                r.duckdb_s,
                "one DuckDB group-by per provider over the same file",
                target=f"<= {TARGET_SECONDS} s at 10M claims" if held else None,
                met=r.score_s <= TARGET_SECONDS if held else None,
            )
        )
        if r.peak_rss_mb is not None:
            figures.append(
                Figure(
                    f"vigie detect score, {r.claims:,} claims, peak RSS",
                    r.peak_rss_mb,
                    "MB",
                    target=f"<= {TARGET_RSS_MB} MB at 10M claims" if held else None,
                    met=r.peak_rss_mb <= TARGET_RSS_MB if held else None,
                )
            )
        figures += [Figure(f"stage {s}, {r.claims:,} claims", v, "s") for s, v in r.stages.items()]
    notes = [
        "Each file made by `vigie synth claims --seed 5` (not timed in the figure), scored by "
        "`vigie detect score` as a subprocess under `/usr/bin/time -v` (wall time, peak RSS); "
        "baseline: `SELECT provider_id, count(*), sum(amount_billed) FROM read_parquet(...) "
        "GROUP BY 1` in DuckDB, same file, same run.",
        "Per-stage times: the `stages:` line the command prints (import = read and validate "
        "in DuckDB; rules include the per-act-code table the stake is priced from).",
        *(f"{r.claims:,} claims: {r.failed}" for r in runs if r.failed),
    ]
    return Result(
        "Detection at scale (hook: `vigie detect score`, timed from the outside)",
        rows,
        ("claims", "score s", "peak RSS MB", "DuckDB group-by s", "ratio", "claims/s", "stages"),
        notes,
        figures,
    )
