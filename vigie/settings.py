"""The one pydantic-settings ``Settings`` object for Vigie.

Every value can be set from the environment (``VIGIE_*``, plus the conventional
``DATABASE_URL`` and ``TEMPORAL_ADDRESS``) or from a ``.env`` file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: development defaults: refused outside development (``check_secrets``)
DEV_PSEUDONYM_KEY = "vigie-dev-only-key"
DEV_PAYLOAD_KEY = "vigie-dev-only-payload-key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VIGIE_", env_file=".env", extra="ignore")

    home: Path = Field(
        default=Path(".vigie"),
        description="Vigie home: embedded Postgres data, Temporal state file, logs, models.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "VIGIE_DATABASE_URL"),
        description="SQLAlchemy URL of an external Postgres. Unset: embedded Postgres in home.",
    )
    temporal_address: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TEMPORAL_ADDRESS", "VIGIE_TEMPORAL_ADDRESS"),
        description="host:port of a Temporal cluster. Unset: the embedded dev server.",
    )
    temporal_namespace: str = "default"
    task_queue: str = "vigie-cases"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    api_port: int = 8000
    api_host: str = "127.0.0.1"
    # who writes the procedure letters (vigie/letters)
    fund_name: str = "Caisse primaire d'assurance maladie de démonstration"
    fund_address: str = "1 rue de la Santé, 75013 Paris"
    fund_cra_address: str = (
        "Commission de recours amiable, Caisse primaire d'assurance maladie de démonstration, "
        "1 rue de la Santé, 75013 Paris"
    )
    fund_court: str = (
        "Tribunal judiciaire de Paris, pôle social, parvis du Tribunal de Paris, 75017 Paris"
    )
    fund_signatory: str = "Le directeur de la caisse"
    env: str = Field(
        default="development",
        description="development, or anything else (production): then the keys below must be set",
    )
    payload_key: str = Field(
        default=DEV_PAYLOAD_KEY,
        description="Secret that encrypts Temporal payloads (cases' personal data at rest).",
    )
    pseudonym_key: str = Field(
        default=DEV_PSEUDONYM_KEY,
        description="HMAC key used to pseudonymise personal identifiers in detection outputs.",
    )

    @property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def pgdata_dir(self) -> Path:
        return self.home_dir / "pgdata"

    @property
    def temporal_db_file(self) -> Path:
        return self.home_dir / "temporal.db"

    @property
    def log_dir(self) -> Path:
        return self.home_dir / "logs"

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def uses_embedded_temporal(self) -> bool:
        return self.temporal_address is None

    @property
    def effective_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
