"""Temporal activities: every side effect (Postgres writes, detection runs, notifications)."""
