"""What the command-line tests share: settings pointed at the test database, and the
environment of a `vigie` subprocess talking to the test Temporal server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from vigie.settings import get_settings


@pytest.fixture
def configured(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """In-process commands (CliRunner) read the test database, with a home of their own."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VIGIE_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def vigie_env(
    dev_env: WorkflowEnvironment, dev_worker: str, database_url: str, tmp_path: Path
) -> dict[str, str]:
    """The environment of a `vigie` subprocess: the test database, the dev server and the
    task queue of the running test worker, no VIGIE_* variable of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    return env | {
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "VIGIE_TASK_QUEUE": dev_worker,
        "VIGIE_HOME": str(tmp_path / "home"),
        "COLUMNS": "250",
    }
