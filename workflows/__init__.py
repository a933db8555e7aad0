"""Deterministic Temporal workflows: no I/O, no sqlmodel sessions, no sklearn."""
