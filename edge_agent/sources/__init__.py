"""Where samples come from: simulated machines or a recorded CSV, behind the ``Source`` protocol."""

from __future__ import annotations

from edge_agent.config import AgentConfig, ReplaySourceConfig, SimulatedSourceConfig
from edge_agent.sources.base import Sample, Source

__all__ = ["Sample", "Source", "make_source"]


def make_source(config: AgentConfig) -> Source:
    """Build the source the configuration names."""
    if isinstance(config.source, ReplaySourceConfig):
        from edge_agent.sources.replay import ReplaySource

        return ReplaySource(config.source, config.machines)
    assert isinstance(config.source, SimulatedSourceConfig)
    from edge_agent.sources.simulated import SimulatedSource

    return SimulatedSource(config.machines, config.source.sample_period_s)
