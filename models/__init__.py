"""SQLModel tables (Postgres records) and the pydantic messages that cross the Temporal boundary.

Importing this package registers every table on ``SQLModel.metadata``.
"""

from models.access import CaseAccess
from models.audit import AuditEntry
from models.case import Case, StageChange
from models.claim import Claim, ClaimsImport
from models.detection import Alert, DetectionRun, ProviderFeatures, ProviderScore
from models.ledger import LedgerEntry
from models.policy import PolicyRecord
from models.target import Target
from models.task import Task
from models.user import AppUser

__all__ = [
    "Alert",
    "AppUser",
    "AuditEntry",
    "Case",
    "CaseAccess",
    "Claim",
    "ClaimsImport",
    "DetectionRun",
    "LedgerEntry",
    "PolicyRecord",
    "ProviderFeatures",
    "ProviderScore",
    "StageChange",
    "Target",
    "Task",
]
