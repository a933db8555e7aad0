"""Who writes: the fund's name, addresses and signatory, from the settings (``VIGIE_FUND_*``)
with demonstration defaults."""

from __future__ import annotations

from pydantic import BaseModel

from vigie.settings import Settings


class Fund(BaseModel):
    name: str
    address: str
    cra_address: str
    court: str
    signatory: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Fund:
        return cls(
            name=settings.fund_name,
            address=settings.fund_address,
            cra_address=settings.fund_cra_address,
            court=settings.fund_court,
            signatory=settings.fund_signatory,
        )
