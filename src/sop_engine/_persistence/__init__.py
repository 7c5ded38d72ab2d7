"""Stores: the protocol, the memory store, the JSON codec, SQLite and PostgreSQL."""
