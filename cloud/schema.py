"""Where a database's schema stands against this release's migrations, for installs, upgrades and rollbacks.

``python -m cloud migrate --check`` prints it as JSON; the Ansible role reads it to decide whether to
migrate (``behind``), to revert with the newer release's code before a rollback (``ahead``), or to do
nothing (``current``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import sqlalchemy as sa

State = Literal["current", "behind", "ahead"]


@dataclass(frozen=True, slots=True)
class SchemaState:
    """The database's revision, this release's head, and how they relate."""

    current: str | None
    head: str
    state: State

    def as_dict(self) -> dict[str, str | None]:
        """The state as a JSON-ready mapping."""
        return asdict(self)


def schema_state(url: str) -> SchemaState:
    """Compare the revision stamped in the database at ``url`` with this release's migrations."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from cloud.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError("this release has no migrations")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    if current == head:
        return SchemaState(current, head, "current")
    if current is None:
        return SchemaState(current, head, "behind")
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False  # stamped by a newer release: its migrations are not in this one
    return SchemaState(current, head, "behind" if known else "ahead")
