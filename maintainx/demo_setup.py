"""The demo's database side: its logins, and a clean start of the simulated plant's day on every run.

Every run of ``maintainx demo`` starts the simulated machines afresh (the same scenario from its first
sample, the developing fault included), so tickets still open from an earlier run describe machines that no
longer exist in that state. They are closed at start, with a note saying why and no outcome (so retraining,
which learns only from outcomes technicians recorded, ignores them), instead of lingering beside the new
day's tickets.
"""

from __future__ import annotations

import sqlalchemy as sa

from cloud.auth.demo import DEMO_PASSWORD, DEMO_USERS

NEW_DAY_NOTE = (
    "Closed by the demo's restart: the simulated plant starts a new day with every machine as at the "
    "start of the scenario. No outcome recorded."
)


def ensure_demo_users(database_url: str) -> None:
    """Create the demo's logins (one per role) unless they exist."""
    from cloud.db import make_engine, session_factory
    from cloud.users.models import UserRole
    from cloud.users.service import ensure

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db:  # ``ensure`` commits each login itself
            for email, name, role in DEMO_USERS:
                ensure(
                    db_session=db, email=email, full_name=name, role=UserRole(role), password=DEMO_PASSWORD
                )
    finally:
        engine.dispose()


def had_previous_run(database_url: str) -> bool:
    """True when an earlier run registered machines in this database."""
    from cloud.db import make_engine
    from cloud.machines.models import Machine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.select(sa.exists().select_from(Machine))) is True
    finally:
        engine.dispose()


def close_previous_day(database_url: str) -> int:
    """Resolve, without an outcome, every ticket an earlier run left open; return how many."""
    from cloud.db import make_engine, session_factory
    from cloud.tickets.system import close_left_open

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db, db.begin():
            return close_left_open(db_session=db, note=NEW_DAY_NOTE)
    finally:
        engine.dispose()
