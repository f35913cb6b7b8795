"""SQLite storage through sqlite-utils: the only package that touches SQL."""

from reporter.store.database import DatabaseError, Store

__all__ = ["DatabaseError", "Store"]
