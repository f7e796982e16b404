"""The store: SQLModel tables, engines, queries, search and migrations."""
