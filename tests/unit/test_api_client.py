"""The dashboard's committed API types are the ones generated from the current API, and drift is caught.

The types in dashboard/src/types/openapi.gen.ts are made by openapi-typescript from the OpenAPI schema
(``make api-client``); a change to the API that is not followed by a regeneration fails here, naming the
command that fixes it. The generator runs for real (node, the dashboard's node_modules), not a stand-in.
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

pytestmark = pytest.mark.unit

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "openapi_dump.py"
# Enough of the diff to see what changed, short enough to read in a failing run's output.
MAX_DIFF_LINES = 60


def _load_script() -> ModuleType:
    """scripts/ is not a package: load the generator script by its path, as `make api-client` runs it."""
    spec = importlib.util.spec_from_file_location("openapi_dump", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dump = _load_script()


def staleness(generated: str) -> str | None:
    """Why the committed types differ from ``generated`` (with the start of the diff), or None when equal."""
    committed = dump.CLIENT_TYPES.read_text(encoding="utf-8")
    if committed == generated:
        return None
    diff = difflib.unified_diff(
        committed.splitlines(),
        generated.splitlines(),
        "committed/openapi.gen.ts",
        "generated/openapi.gen.ts",
        lineterm="",
    )
    shown = "\n".join(list(diff)[:MAX_DIFF_LINES])
    return (
        "dashboard/src/types/openapi.gen.ts is older than the API: run `make api-client` and commit it.\n"
        + shown
    )


class StalenessProbe(BaseModel):
    """A response model no real route has, so its name appears only when the probe route is added."""

    staleness_probe_value: int


def _probe() -> StalenessProbe:
    """The extra route's endpoint (never called: only its schema matters)."""
    return StalenessProbe(staleness_probe_value=1)


def test_the_committed_api_types_are_generated_from_the_current_api() -> None:
    problem = staleness(dump.client_types(dump.schema_json(dump.schema_app())))
    if problem is not None:
        pytest.fail(problem, pytrace=False)  # the message and diff as they are, not an assertion's repr


def test_an_endpoint_added_without_regenerating_makes_the_check_fail() -> None:
    app = dump.schema_app()
    app.add_api_route("/api/staleness-probe", _probe, methods=["GET"], response_model=StalenessProbe)
    problem = staleness(dump.client_types(dump.schema_json(app)))
    assert problem is not None
    assert "run `make api-client`" in problem
    assert '+    "/api/staleness-probe": {' in problem  # the diff shows the new path itself
