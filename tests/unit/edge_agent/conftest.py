"""Fixtures for the agent's unit tests: a tiny real ONNX model and a minimal valid config file."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.support.tiny_model import write_model_dir

MACHINE_IDS = [uuid.UUID(f"0195f0a0-0000-7000-8000-00000000000{i}") for i in range(1, 4)]


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A verified-loadable tiny model (window 10) with its manifest."""
    return write_model_dir(tmp_path / "model", window=10)


def config_text(tmp_path: Path, model_dir: Path | str = "model", **top: object) -> str:
    """A valid agent.toml with two simulated machines; ``top`` adds or replaces top-level keys."""
    fields: dict[str, object] = {
        "gateway_id": "gw-1",
        "data_dir": str(tmp_path / "data"),
        "model_dir": str(model_dir),
        "sample_hz": 10.0,
    }
    fields.update(top)
    lines = [f"{k} = {_toml(v)}" for k, v in fields.items()]
    for i, (mid, kind) in enumerate(zip(MACHINE_IDS, ["pump", "compressor"], strict=False)):
        lines += ["[[machines]]", f'id = "{mid}"', f'name = "M{i}"', f'type = "{kind}"']
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
