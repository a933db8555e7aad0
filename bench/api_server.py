"""The real API (``vigie.api.app.create_app``) served by uvicorn in a process of its own, on a
given database and port, for the benchmarks that read through HTTP (bench/scale_reads.py).
No Temporal client: reads only, as a read replica's API would be.

    python -m bench.api_server --url postgresql+psycopg://... --port 8123
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from sqlalchemy import create_engine

from vigie.api.app import create_app

log = logging.getLogger(__name__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    engine = create_engine(args.url, pool_size=10)
    uvicorn.run(create_app(engine, None), host="127.0.0.1", port=args.port, log_level="warning")


@contextmanager
def served(url: str, port: int, timeout: float = 30.0) -> Iterator[str]:
    """The API on ``url``'s database, in a child process; its base URL while it runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.api_server", "--url", url, "--port", str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code < 600:
                    break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the API did not start on port {port}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
