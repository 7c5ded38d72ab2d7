"""Compatibility path: :class:`SqliteStore` is exported by :mod:`sop_engine`."""

from sop_engine._persistence.sqlite import SqliteStore

__all__ = ["SqliteStore"]
