"""`make bench`: run every benchmark and write BENCHMARKS.md."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    api_latency,
    detection_scale,
    features_engines,
    scale_reads,
    workflow_throughput,
)
from bench.harness import machine

log = logging.getLogger("bench")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per timed request
    started = time.perf_counter()
    results = []
    took: list[str] = []
    loads: list[str] = []
    benches = (features_engines, workflow_throughput, api_latency, scale_reads)
    # detection last and apart: a hook timing `vigie detect score` from the outside
    for bench in (*benches, detection_scale):
        log.info("running %s", bench.__name__)
        begun = time.perf_counter()
        results.append(bench.run())
        name = bench.__name__.removeprefix("bench.")
        took.append(f"{name} {time.perf_counter() - begun:.0f} s")
        # other work on the machine weighs on every figure: its load, after each bench
        loads.append(f"{name} {os.getloadavg()[1]:.1f}")
        log.info("%s", results[-1].markdown())
    wall = time.perf_counter() - started
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}.",
            "Each compares against a baseline measured in the same run.",
            f"Whole run: {wall / 60:.1f} minutes ({', '.join(took)}); the limit is 30 minutes.",
            f"Load average (5 min) of the machine after each: {', '.join(loads)} (2 cores; "
            "the benchmarks alone keep it near 1-2).",
            "",
            *(r.markdown() for r in results),
        ]
    )
    Path("BENCHMARKS.md").write_text(text, encoding="utf-8")
    figures = [f.as_json() | {"bench": r.name} for r in results for f in r.figures]
    payload = {
        "written_at": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "command": "make bench",
        "wall_s": round(wall, 1),
        "figures": figures,
    }
    Path("bench/results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    log.info("wrote BENCHMARKS.md and bench/results.json (%d figures)", len(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
