"""Compatibility path: registry types are exported by :mod:`sop_engine` and :mod:`sop_engine.plugin`."""

from sop_engine._compile.registry import (
    KINDS,
    RESERVED_SECTIONS,
    ActionContext,
    ActionFn,
    ActionSpec,
    CalendarSpec,
    EthicsCheckFn,
    EthicsCheckSpec,
    EthicsContext,
    GuardFn,
    GuardSpec,
    Registry,
    SectionNames,
    SectionProblem,
    SectionSpec,
)

__all__ = [
    "KINDS",
    "RESERVED_SECTIONS",
    "ActionContext",
    "ActionFn",
    "ActionSpec",
    "CalendarSpec",
    "EthicsCheckFn",
    "EthicsCheckSpec",
    "EthicsContext",
    "GuardFn",
    "GuardSpec",
    "Registry",
    "SectionNames",
    "SectionProblem",
    "SectionSpec",
]
