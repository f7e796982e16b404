"""Every version of a knowledge article (R4, R42): what it said, in which status, who made it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import fk, when


class ArticleVersion(SQLModel, table=True):
    __tablename__ = "article_version"
    __table_args__ = (UniqueConstraint("article_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="knowledge_article.id", index=True)
    version: int
    title: str
    body: str = ""
    solution: str = ""
    keywords: str = ""
    service_id: int | None = fk("service.id")
    status: str
    changed_by_id: int | None = fk("person.id")
    changed_at: datetime = when()
