"""Tasks with due dates: investigation actions and procedure deadlines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.types import TaskStatus, enum_column, timestamp_column


class TaskBase(SQLModel):
    key: str = Field(max_length=80, description="unique within the case, e.g. 'action-3'")
    kind: str = Field(max_length=40)
    title: str = Field(sa_type=Text)
    assignee: str | None = Field(default=None, max_length=60)


class Task(TaskBase, table=True):
    __table_args__ = (
        UniqueConstraint("case_id", "key", name="uq_task_case_key"),
        # overdue tasks (migration 0008): only open ones, by due date
        Index("ix_task_open_due", "due_at", postgresql_where=text("status = 'open'")),
        # the worklist (migration 0009): open tasks by assignee and by escalation
        Index("ix_task_open_assignee", "assignee", postgresql_where=text("status = 'open'")),
        Index(
            "ix_task_open_escalated_to", "escalated_to", postgresql_where=text("status = 'open'")
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="fraud_case.id", max_length=140, index=True)
    status: TaskStatus = enum_column(TaskStatus, default=TaskStatus.OPEN)
    due_at: datetime | None = timestamp_column(nullable=True)
    created_at: datetime = timestamp_column()
    completed_at: datetime | None = timestamp_column(nullable=True)
    result: str | None = Field(default=None, sa_type=Text)
    escalated_to: str | None = Field(default=None, max_length=60)


class TaskPublic(TaskBase):
    id: int
    case_id: str
    status: TaskStatus
    due_at: datetime | None
    escalated_to: str | None
