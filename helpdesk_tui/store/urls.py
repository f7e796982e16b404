"""Database URLs as people write them: an SQLite file path, or postgresql://user@host/db.

Free of SQLAlchemy on purpose: the config's schema checks a URL without loading the store."""

from __future__ import annotations

from pathlib import Path

SCHEMES = ("sqlite", "postgresql+psycopg")


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste; use psycopg 3 for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if "://" not in url:  # a bare path means an SQLite file
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


class BadDatabaseUrl(ValueError):
    pass


def check_database_url(url: str) -> str:
    """The URL normalised, or BadDatabaseUrl saying what a database URL looks like."""
    if not url.strip():
        raise BadDatabaseUrl("empty")
    normalised = normalise_url(url.strip())
    scheme = normalised.split("://", 1)[0]
    if scheme not in SCHEMES:
        raise BadDatabaseUrl(f"«{scheme}» is not a database this program uses")
    if scheme != "sqlite" and "/" not in normalised.split("://", 1)[1]:
        raise BadDatabaseUrl("no database name")
    return normalised
