"""Compatibility path: the runtime records now live in :mod:`sop_engine` (import them from there)."""

from sop_engine._core.records import (
    ERASED,
    START_EVENT,
    Actor,
    AuditEvent,
    Breach,
    Case,
    Deadline,
    Declaration,
    Notification,
    Timer,
)

__all__ = [
    "ERASED",
    "START_EVENT",
    "Actor",
    "AuditEvent",
    "Breach",
    "Case",
    "Deadline",
    "Declaration",
    "Notification",
    "Timer",
]
