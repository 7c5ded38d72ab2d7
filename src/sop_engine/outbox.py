"""Compatibility path: :func:`relay` and :class:`Notifier` are exported by :mod:`sop_engine`."""

from sop_engine._ops.outbox import Notifier, RelayReport, relay

__all__ = ["Notifier", "RelayReport", "relay"]
