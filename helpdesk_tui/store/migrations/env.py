"""Alembic environment: runs on the connection the application hands it."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import helpdesk_tui.store.models  # noqa: F401  (registers the tables)
from helpdesk_tui.store.search_schema import is_search_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from helpdesk_tui.store.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    # The search index is kept by raw DDL (store/search_schema.py), not by the models.
    return not is_search_object(name, type_)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
