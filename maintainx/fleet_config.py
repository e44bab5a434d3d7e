"""Agent configuration files for the simulated demo fleet: one TOML file per gateway."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import tomli_w

from contract.manifest import read_manifest
from edge_agent.config import AgentConfig, MachineConfig, SimulatedSourceConfig
from simulator.fleet import demo_fleet


def write_agent_configs(
    agents_dir: Path,
    *,
    mqtt_url: str,
    model_dir: Path,
    gateways: int,
    machines_per_gateway: int,
    sample_hz: float,
    seed: int,
    keys_dir: Path | None = None,
) -> dict[str, Path]:
    """Write ``<agents_dir>/<gateway>/agent.toml`` per simulated gateway; return the paths by gateway id.

    ``keys_dir`` is the folder of trusted signing keys; without it the agents accept no model update.
    """
    manifest = read_manifest(model_dir)
    paths: dict[str, Path] = {}
    for gateway in demo_fleet(gateways=gateways, machines_per_gateway=machines_per_gateway, seed=seed):
        folder = agents_dir / gateway.id
        folder.mkdir(parents=True, exist_ok=True)
        config = AgentConfig(
            gateway_id=gateway.id,
            data_dir=str(folder),
            model_dir=str(model_dir),
            mqtt_url=mqtt_url,
            keys_dir=str(keys_dir) if keys_dir else None,
            sample_hz=sample_hz,
            # Each sample covers as much machine time as the model was trained on, so its windows match.
            source=SimulatedSourceConfig(sample_period_s=manifest.sample_period_s),
            machines=[
                MachineConfig(
                    id=m.id,
                    name=m.name,
                    type=m.type,
                    location=m.location,
                    failure=m.failure,
                    failure_onset_s=m.failure_onset_s,
                    seed=m.seed,
                )
                for m in gateway.machines
            ],
        )
        path = folder / "agent.toml"
        path.write_text(tomli_w.dumps(_without_none(msgspec.to_builtins(config))))
        paths[gateway.id] = path
    return paths


def _without_none(value: Any) -> Any:
    """Drop ``None`` entries: TOML has no null, and an absent field takes the agent's default."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value
