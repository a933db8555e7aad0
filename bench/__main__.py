"""`make bench`: run every benchmark and write BENCHMARKS.md."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import api_latency, features_engines, scale_reads, workflow_throughput
from bench.harness import machine

log = logging.getLogger("bench")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = []
    for bench in (features_engines, workflow_throughput, api_latency, scale_reads):
        log.info("running %s", bench.__name__)
        results.append(bench.run())
        log.info("%s", results[-1].markdown())
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}.",
            "Each compares against a baseline measured in the same run.",
            "",
            *(r.markdown() for r in results),
        ]
    )
    Path("BENCHMARKS.md").write_text(text, encoding="utf-8")
    figures = [f.as_json() | {"bench": r.name} for r in results for f in r.figures]
    payload = {
        "written_at": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "figures": figures,
    }
    Path("bench/results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    log.info("wrote BENCHMARKS.md and bench/results.json (%d figures)", len(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
