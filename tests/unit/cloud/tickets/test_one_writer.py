"""``cloud/tickets`` is the one writer of ``maintenance_tickets`` and ``ticket_events``: no other product
module constructs a ticket or an event, or INSERTs, UPDATEs or DELETEs on their tables (ORM, Core, SQL)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[4]
PACKAGES = ("cloud", "model_registry", "maintainx", "simulator", "edge_agent", "contract", "bench")
# Migrations are the schema's history (a backfill is an UPDATE), not a writer of tickets; the KPI benchmark
# seeds a year of 100,000 historical tickets in bulk SQL, a fixture that is no path of the product.
ALLOWED = (REPO / "cloud" / "tickets", REPO / "cloud" / "migrations", REPO / "bench" / "kpis.py")
MODELS = {"MaintenanceTicket", "TicketEvent"}
WRITES = {"insert", "update", "delete"}
SQL = re.compile(r"\b(insert\s+into|update|delete\s+from)\s+(maintenance_tickets|ticket_events)\b", re.I)


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def writes(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) of every write to the ticket tables in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            called = _name(node.func)
            if called in MODELS:
                yield node.lineno, f"constructs {called}"
            elif called in WRITES and node.args and _name(node.args[0]) in MODELS:
                yield node.lineno, f"{called}({_name(node.args[0])})"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found = SQL.search(node.value)
            if found is not None:
                yield node.lineno, f"SQL {found.group(0)!r}"


def _modules() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if not any(path.is_relative_to(folder) for folder in ALLOWED):
                yield path


def test_no_module_outside_cloud_tickets_writes_tickets_or_their_events() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}: {what}"
        for path in _modules()
        for line, what in writes(path.read_text(encoding="utf-8"))
    ]

    assert found == []


def test_the_check_sees_every_kind_of_write() -> None:
    # The one writer: service.py (what people do) and system.py (the engine, the scheduler, the demo).
    service = "\n".join(
        (REPO / "cloud" / "tickets" / name).read_text(encoding="utf-8")
        for name in ("service.py", "system.py")
    )
    samples = [
        "db.add(MaintenanceTicket(title='x'))",
        "session.add(models.TicketEvent(kind='c'))",
        "session.execute(sa.update(MaintenanceTicket).values(priority=p))",
        "session.execute(insert(TicketEvent).values(kind='c'))",
        "cursor.execute('UPDATE maintenance_tickets SET status = 1')",
        "conn.execute(sa.text('insert into ticket_events (kind) values (1)'))",
    ]

    assert all(list(writes(sample)) for sample in samples)
    kinds = {what.split("(")[0] for _, what in writes(service)}
    assert {"constructs MaintenanceTicket", "constructs TicketEvent", "insert", "update"} <= kinds
