"""The API benchmark's own PostgreSQL database: created, reused when seeded alike, or dropped and made anew.

Plain psycopg on the maintenance database (no Django): it runs before Django connects.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ORGANISATION_SLUG = "demo"  # the organisation rubrics.services.demo builds


def seed_signature(size: int, version: int) -> str:
    """What the seeded organisation is named: a reused database must have been seeded with the same size."""
    return f"Loopwright Demo [bench seed v{version}, {size} candidates]"


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    return parts._replace(path="/postgres").geturl(), name


def _seeded_as(url: str) -> str | None:
    """The bench organisation's name in an existing database, or None when it has none (yet)."""
    try:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT name FROM assessments_organisation WHERE slug = %s", [ORGANISATION_SLUG]
            ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return row[0] if row else None


def database_prepare(*, url: str, signature: str, reseed: bool) -> bool:
    """Make sure the database exists; True when it must be (re)seeded (it is then empty)."""
    maintenance, name = _maintenance_url(url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reseed and _seeded_as(url) == signature:
            return False
        if exists:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def postgres_version(url: str) -> str:
    with psycopg.connect(url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"
