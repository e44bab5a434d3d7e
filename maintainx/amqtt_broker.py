"""A pure-Python MQTT broker (amqtt) for the demo on machines without Mosquitto.

Only a fallback: amqtt speaks MQTT 3.1.1 only and discards persistent sessions when anonymous
access is allowed, so a consumer that restarts may miss QoS 1 messages sent while it was away.
Production and the test suite use Mosquitto.

Usage: ``python -m maintainx.amqtt_broker PORT``
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from amqtt.broker import Broker


async def _serve(port: int) -> None:
    config = {
        "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }
    broker = Broker(config)
    await broker.start()
    try:
        await asyncio.Event().wait()
    finally:
        await broker.shutdown()


def main() -> None:
    """Run the broker on 127.0.0.1:PORT until interrupted."""
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: python -m maintainx.amqtt_broker PORT")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(int(sys.argv[1])))


if __name__ == "__main__":
    main()
