"""`vigie up` on embedded defaults: it starts everything, and Ctrl-C stops all it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
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


def start_vigie_up(home: Path, api_port: int | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS")}
    env |= {
        "VIGIE_HOME": str(home),
        "VIGIE_API_PORT": str(api_port or free_port()),
        "VIGIE_TEMPORAL_PORT": str(free_port()),
        "VIGIE_TEMPORAL_UI_PORT": str(free_port()),
        "COLUMNS": "200",
    }
    vigie = Path(sys.executable).parent / "vigie"
    return subprocess.Popen(
        [str(vigie), "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def temporal_children(pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "temporal" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # a short-lived helper (pg_ctl) gone meanwhile
            continue
    return found


def wait_for_temporal_child(proc: subprocess.Popen[str], timeout: float) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        started = temporal_children(proc.pid)
        if started:
            return started[0]
        time.sleep(0.01)
    pytest.fail(f"no Temporal dev server started by `vigie up` within {timeout}s")


@pytest.mark.slow
def test_ctrl_c_on_vigie_up_stops_every_process_it_started_and_exits_zero(tmp_path: Path) -> None:
    home, api_port = tmp_path / "home", free_port()
    proc = start_vigie_up(home, api_port)
    try:
        wait_for_line(proc, "serving; press Ctrl-C to stop", timeout=120)
        api = f"http://127.0.0.1:{api_port}"
        assert httpx.get(f"{api}/openapi.json", timeout=10).json()["info"]["title"] == "Vigie"
        assert httpx.get(f"{api}/api/health", timeout=10).json() == {
            "postgres": True,
            "temporal": True,
        }
        started = psutil.Process(proc.pid).children(recursive=True)
        temporal = temporal_children(proc.pid)
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


@pytest.mark.slow
def test_ctrl_c_while_vigie_up_is_starting_stops_what_it_started_and_exits_zero(
    tmp_path: Path,
) -> None:
    """The signal lands while the Temporal dev server is coming up, before serving starts."""
    home = tmp_path / "home"
    proc = start_vigie_up(home)
    try:
        temporal = wait_for_temporal_child(proc, timeout=120)
        postgres = psutil.Process(postmaster_pid(home))
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == 0, out
    assert "serving" not in out and "stopped everything this command started" in out
    _gone, alive = psutil.wait_procs([temporal, postgres], timeout=10)
    assert not alive, f"processes left behind: {[p.pid for p in alive]}"
