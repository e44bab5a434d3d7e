"""A gateway stays small: the agent never loads scikit-learn, FastAPI, SQLAlchemy or pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import contract.features

pytestmark = pytest.mark.unit

REPO = Path(contract.features.__file__).resolve().parents[1]
FORBIDDEN = ("sklearn", "fastapi", "sqlalchemy", "pydantic", "onnx", "skl2onnx", "pandas")
AGENT_MODULES = [
    "edge_agent.__main__",
    "edge_agent.agent",
    "edge_agent.config",
    "edge_agent.inference",
    "edge_agent.mqtt",
    "edge_agent.outbox",
    "edge_agent.sources.simulated",
    "edge_agent.sources.replay",
]


def test_agent_modules_import_no_heavy_or_cloud_packages() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {AGENT_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "from edge_agent.sources.simulated import SimulatedSource\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    loaded = set(json.loads(out))
    assert "onnxruntime" in loaded and "paho" in loaded  # the check itself works
    assert loaded.isdisjoint(FORBIDDEN), sorted(loaded & set(FORBIDDEN))


def test_a_default_agent_loads_neither_importlib_metadata_nor_the_http_server() -> None:
    # importlib.metadata came with the uuid6 package (~1 MB resident); http.server only with metrics_port.
    script = (
        "import json, sys\n"
        "import edge_agent.__main__\n"
        "from contract import new_id\n"
        "new_id()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    loaded = set(json.loads(out))
    assert "edge_agent.mqtt" in loaded  # the check itself works
    assert loaded.isdisjoint({"importlib.metadata", "uuid6", "http.server", "edge_agent.metrics"})
