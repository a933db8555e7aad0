"""The worker's client waits for a Temporal server that is still starting."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

import worker as vigie_worker
from tests.runtime.test_up import free_port
from vigie.runtime.temporal import ensure_temporal
from vigie.settings import Settings


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("TEMPORAL_ADDRESS", raising=False)
    return Settings(home=tmp_path / "home", temporal_port=free_port(), temporal_ui_port=free_port())


@pytest.mark.slow
async def test_the_client_waits_for_a_dev_server_started_after_it_began_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    connecting = asyncio.create_task(vigie_worker.connect(settings, startup_timeout=60))
    await asyncio.sleep(1.0)
    assert not connecting.done()  # nothing listens yet: still retrying, not failed
    handle = ensure_temporal(settings)
    try:
        client = await asyncio.wait_for(connecting, timeout=60)
        info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
        assert info.server_version
    finally:
        handle.stop()


async def test_connecting_where_no_temporal_ever_starts_fails_after_the_startup_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    with pytest.raises(RuntimeError, match="Failed client connect"):
        await vigie_worker.connect(settings, startup_timeout=1.0)
