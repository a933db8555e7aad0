"""SQLModel tables (Postgres records) and the pydantic messages that cross the Temporal boundary.

Importing this package registers every table on ``SQLModel.metadata``.
"""

from models.access import CaseAccess
from models.api_token import ApiToken
from models.audit import AuditEntry
from models.case import Case, StageChange
from models.case_blocked import CaseBlocked
from models.claim import Claim, ClaimsImport
from models.detection import Alert, DetectionRun, ProviderFeatures, ProviderScore
from models.indicator_snapshot import IndicatorSnapshot
from models.ledger import DebtRecord, LedgerEntry
from models.letter import Letter
from models.payment import PaymentImport, SuspendedPayment
from models.policy import PolicyRecord
from models.retention import PersonalDataPurge
from models.target import Target
from models.task import Task
from models.user import AppUser

__all__ = [
    "Alert",
    "ApiToken",
    "AppUser",
    "AuditEntry",
    "Case",
    "CaseAccess",
    "CaseBlocked",
    "Claim",
    "ClaimsImport",
    "DebtRecord",
    "DetectionRun",
    "IndicatorSnapshot",
    "LedgerEntry",
    "Letter",
    "PaymentImport",
    "PersonalDataPurge",
    "PolicyRecord",
    "ProviderFeatures",
    "ProviderScore",
    "StageChange",
    "SuspendedPayment",
    "Target",
    "Task",
]
