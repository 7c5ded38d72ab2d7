"""Compatibility path: registry types are exported by :mod:`sop_engine` and :mod:`sop_engine.plugin`.

The specification types live in ``sop_engine._spec`` (``specs``, ``names``) and the
:class:`Registry` in ``sop_engine._compile.registry``; every name importable here before stays.
"""

from sop_engine._compile.registry import Registry
from sop_engine._spec.names import RESERVED_SECTIONS, SectionNames, SectionProblem
from sop_engine._spec.specs import (
    KINDS,
    ActionContext,
    ActionFn,
    ActionSpec,
    CalendarSpec,
    EthicsCheckFn,
    EthicsCheckSpec,
    EthicsContext,
    GuardFn,
    GuardSpec,
    SectionSpec,
    SpecTables,
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
    "SpecTables",
]
