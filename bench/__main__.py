"""`make bench`: run every benchmark and write BENCHMARKS.md."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import features_engines, workflow_throughput
from bench.harness import machine

log = logging.getLogger("bench")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = []
    for bench in (features_engines, workflow_throughput):
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
    log.info("wrote BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
