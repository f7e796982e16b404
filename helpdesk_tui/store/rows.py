"""New rows built fast, for the paths that write many (mail intake registers an incident and
keeps a message for every mail of a storm).

A table model's constructor sets each field through SQLModel's and SQLAlchemy's attribute
machinery (a quarter of a millisecond for a row of thirty fields, more than its INSERT costs);
it does not validate either, since SQLModel skips validation for table models. `new_row` makes the
same object: the ORM's own instance with its state, every field given or defaulted written
straight into it, and pydantic's record of which fields were given. A row that is not yet
added has no history to keep, and the INSERT reads the values from the instance itself.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import SQLModel

Row = TypeVar("Row", bound=SQLModel)


def new_row(model: type[Row], **values: Any) -> Row:
    """What `model(**values)` makes, seven times faster; for table models only."""
    row: Row = manager_of_class(model).new_instance()
    given = set(values)
    for name, field in model.model_fields.items():
        if name not in values and not field.is_required():
            values[name] = field.get_default(call_default_factory=True)
    unknown = values.keys() - model.model_fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    row.__dict__.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", given)
    return row
