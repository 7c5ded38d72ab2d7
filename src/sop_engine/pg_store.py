"""Compatibility path: :class:`PgStore` is exported by :mod:`sop_engine` (needs ``psycopg``)."""

from sop_engine._persistence.postgres import PgStore

__all__ = ["PgStore"]
