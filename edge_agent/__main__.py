"""Run the agent: ``python -m edge_agent --config agent.toml`` (or the ``maintainx-agent`` command).

SIGTERM or SIGINT stops sampling, flushes what the broker accepts within a few seconds, publishes the
retained offline status, disconnects and closes the outbox. Logs are JSON lines on stderr.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import msgspec

from contract import GatewayStatus
from edge_agent.agent import Agent
from edge_agent.config import AgentConfig, load_config
from edge_agent.errors import AgentError
from edge_agent.files import ensure_writable_dir
from edge_agent.inference import release_loading_memory
from edge_agent.logs import setup_logging
from edge_agent.memory import limit_arenas
from edge_agent.mqtt import MqttLink
from edge_agent.outbox import Outbox
from edge_agent.serving import ServingModel
from edge_agent.sources import make_source
from edge_agent.sources.simulated import simulated_machine_types

if TYPE_CHECKING:
    from edge_agent.metrics import MetricsServer

logger = logging.getLogger("edge_agent")

# Seconds a stopping agent keeps publishing its backlog; systemd's default stop timeout is 90 s, and a
# gateway being rebooted should not hang on a broker that is slow or gone.
FLUSH_TIMEOUT_S = 5.0
EXIT_CONFIG = 2


def run(config: AgentConfig, stop: threading.Event) -> None:
    """Build the agent from ``config`` and run it until ``stop`` is set; then shut down in order."""
    ensure_writable_dir(Path(config.data_dir))
    outbox = Outbox(config.data_dir, config.outbox_max_records)
    try:
        # The store's current model when an update was installed, else the one installed with the agent.
        model = ServingModel.open(
            model_dir=config.model_dir,
            data_dir=config.data_dir,
            gateway_id=config.gateway_id,
            keys_dir=config.keys_dir,
            shadow_report_s=config.shadow_report_s,
        )
        source = make_source(config)
        # Model loading leaves tens of MB of freed temporaries and start-up code resident; hand them back.
        release_loading_memory()
    except AgentError:
        outbox.close()
        raise
    agent = Agent(config, source, model, outbox)
    link: MqttLink

    def status(online: bool) -> GatewayStatus:
        current = agent.status(online)
        if current.last_error is None and link.last_error is not None:
            current = msgspec.structs.replace(current, last_error=link.last_error)
        return current

    link = MqttLink(config, outbox, status, agent.submit_command, model.submit)
    model.set_reporter(link.send_report)
    metrics: MetricsServer | None = None
    if config.metrics_port is not None:
        # Imported only when asked for: http.server is memory a gateway without Prometheus need not pay.
        from edge_agent.metrics import MetricsServer, agent_samples

        try:
            metrics = MetricsServer(
                config.metrics_host, config.metrics_port, lambda: agent_samples(agent, link)
            ).start()
        except AgentError:
            source.close()
            outbox.close()
            raise
    logger.info(
        "agent %s started: %d machines at %.3g Hz, model %s, outbox depth %d",
        config.gateway_id,
        len(config.machines),
        config.sample_hz,
        model.version,
        outbox.depth(),
    )
    link.start()
    try:
        agent.run(stop)
    finally:
        source.close()
        model.close()
        link.stop(FLUSH_TIMEOUT_S)
        if metrics is not None:
            metrics.stop()
        outbox.close()
        logger.info(
            "agent %s stopped after %d ticks",
            config.gateway_id,
            agent.ticks,
            extra={f"{stream}_made": n for stream, n in agent.made.items()} | {"alerts": agent.alerts},
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m edge_agent`` and ``maintainx-agent``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="maintainx-agent",
        description="MaintainX edge agent: sample machines, score them with ONNX, publish over MQTT.",
    )
    parser.add_argument("--config", default="agent.toml", help="TOML settings file (default: agent.toml)")
    args = parser.parse_args(argv)
    limit_arenas()  # before any thread starts
    setup_logging()
    try:
        config = load_config(args.config, machine_types=simulated_machine_types)
    except AgentError as exc:
        logger.error("%s", exc)
        return EXIT_CONFIG
    logging.getLogger().setLevel(config.log_level)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        run(config, stop)
    except AgentError as exc:
        logger.error("%s", exc)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
