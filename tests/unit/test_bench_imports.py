"""Every benchmark still imports: no test runs them (they take minutes and print figures), so a module moved
under them would otherwise be found only by the next person who types ``make bench``."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench

pytestmark = pytest.mark.unit

MODULES = sorted(m.name for m in pkgutil.iter_modules(bench.__path__, "bench."))


def test_there_are_benchmarks_to_check() -> None:
    assert {"bench.edge", "bench.ingest", "bench.notify", "bench.kpis", "bench.fleet_table"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_a_benchmark_imports(name: str) -> None:
    importlib.import_module(name)
