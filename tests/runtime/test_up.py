"""`vigie up` on embedded defaults: it starts everything, and Ctrl-C stops all it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if needle in line:
            return seen
    pytest.fail(f"{needle!r} not printed within {timeout}s; output: {''.join(seen)}")


def postmaster_pid(home: Path) -> int:
    return int((home / "pgdata" / "postmaster.pid").read_text().splitlines()[0])


@pytest.mark.slow
def test_ctrl_c_on_vigie_up_stops_every_process_it_started_and_exits_zero(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS")}
    env |= {
        "VIGIE_HOME": str(home),
        "VIGIE_TEMPORAL_PORT": str(free_port()),
        "VIGIE_TEMPORAL_UI_PORT": str(free_port()),
        "COLUMNS": "200",
    }
    vigie = Path(sys.executable).parent / "vigie"
    proc = subprocess.Popen(
        [str(vigie), "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_line(proc, "serving; press Ctrl-C to stop", timeout=120)
        started = psutil.Process(proc.pid).children(recursive=True)
        temporal = [p for p in started if "temporal" in " ".join(p.cmdline())]
        assert temporal, "the Temporal dev server should be a child of `vigie up`"
        postgres = psutil.Process(postmaster_pid(home))
        assert postgres.is_running()

        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == 0, out
    assert "Fatal" not in out and "PyGILState_Release" not in out
    _gone, alive = psutil.wait_procs([*started, postgres], timeout=10)
    assert not alive, f"processes left behind: {[p.pid for p in alive]}"
