"""Each floor of the house imports only the floors below it, checked the way a user meets it: a fresh
interpreter imports every module of one package, and no package of a higher (or sibling) floor gets loaded.

``lint-imports`` (make lint) checks the same contract statically from pyproject.toml; this test catches what a
static graph cannot see (imports inside functions run at import time, ``importlib`` calls, plugins).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
# Bottom to top; packages on one floor are independent of each other.
FLOORS: list[set[str]] = [
    {"contract"},
    {"simulator"},
    {"edge_agent", "model_registry"},
    {"cloud"},
    {"maintainx"},
]
OURS = set().union(*FLOORS)
SCRIPT = """
import importlib, json, pkgutil, sys
package = importlib.import_module({name!r})
names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in names:
    if name.rsplit(".", 1)[-1] != "__main__" and ".migrations." not in name:
        importlib.import_module(name)
print(json.dumps({{"modules": len(names), "loaded": sorted({{m.split(".")[0] for m in sys.modules}})}}))
"""


def _floor(package: str) -> int:
    return next(i for i, floor in enumerate(FLOORS) if package in floor)


@pytest.mark.parametrize("package", sorted(OURS - {"maintainx"}))
def test_a_package_loads_nothing_above_its_floor(package: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(name=package)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    report = json.loads(out.strip().splitlines()[-1])
    loaded = OURS & set(report["loaded"])
    allowed = set().union(*FLOORS[: _floor(package)]) | {package}
    assert report["modules"] > 0 and package in loaded  # the check itself saw the package
    assert loaded <= allowed, f"{package} loads {sorted(loaded - allowed)}, which sit above or beside it"


def test_the_floors_name_every_package_the_project_ships() -> None:
    shipped = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests", "bench"}
    assert shipped == OURS
