"""Claims, partitioned by month of service, and the imports that loaded them."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Column, Date, Index, Numeric, PrimaryKeyConstraint, SmallInteger
from sqlmodel import Field, SQLModel

from models.types import timestamp_column

PARTITION_PREFIX = "claim_p"


class Claim(SQLModel, table=True):
    """One billed act. Partitioned by RANGE (service_date), one partition per month
    (created on demand by the import, named ``claim_pYYYYMM``)."""

    __tablename__ = "claim"
    __table_args__ = (
        PrimaryKeyConstraint("claim_id", "service_date", name="pk_claim"),
        Index("ix_claim_provider", "provider_id"),
        Index("ix_claim_profession_region", "profession", "region"),
        {"postgresql_partition_by": "RANGE (service_date)"},
    )

    claim_id: str = Field(max_length=64)
    service_date: date = Field(sa_column=Column(Date, nullable=False))
    provider_id: str = Field(max_length=64)
    profession: str = Field(max_length=40)
    region: str = Field(max_length=40)
    beneficiary_id: str = Field(max_length=64)
    act_code: str = Field(max_length=20)
    quantity: int
    amount_billed: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    amount_reimbursed: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    prescriber_id: str | None = Field(default=None, max_length=64)
    beneficiary_death_date: date | None = None
    hospital_stay_start: date | None = None
    hospital_stay_end: date | None = None
    distance_km: Decimal | None = Field(default=None, sa_column=Column(Numeric(9, 3)))
    service_time: time | None = None
    beneficiary_birth_year: int | None = Field(default=None, sa_column=Column(SmallInteger))
    beneficiary_chronic: bool | None = None
    import_id: int = Field(index=False)


class ClaimsImport(SQLModel, table=True):
    __tablename__ = "claims_import"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=400)
    sha256: str = Field(max_length=64)
    rows: int
    first_service_date: date
    last_service_date: date
    imported_at: datetime = timestamp_column(now_default=True)
    imported_by: str = Field(max_length=60)
