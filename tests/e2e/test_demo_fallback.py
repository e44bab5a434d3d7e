"""The zero-setup promise: the demo on the pure-Python amqtt broker, as on a machine without Mosquitto.

``MAINTAINX_BROKER=amqtt`` makes the demo take the fallback it takes when Mosquitto is not installed. amqtt
accepts ``$share/...`` subscriptions and never delivers on them, so before ingestion subscribed to plain
topics this ran with every machine "online" and no reading, prediction or ticket ever stored.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from maintainx.services import free_port
from tests.e2e.demo_kit import Demo, failing_machine_ids, get, quick_data_dir, ticket_list, wait_for

pytestmark = pytest.mark.e2e

# One gateway is enough: its first machine is the one with the fault already developing.
GATEWAYS, PER_GATEWAY = 1, 2


@pytest.fixture(scope="module")
def amqtt_demo() -> Iterator[Demo]:
    demo = Demo(
        quick_data_dir(),
        free_port(),
        gateways=GATEWAYS,
        per_gateway=PER_GATEWAY,
        extra_env={"MAINTAINX_BROKER": "amqtt"},
        extra_args=("--no-rollout",),
    )
    try:
        wait_for("the API", lambda: get(demo.api, "/api/health"), timeout=120)
        yield demo
    finally:
        if demo.proc.poll() is None:
            demo.ctrl_c()
        print(demo.output()[-3000:])


def test_the_banner_says_the_demo_runs_on_the_amqtt_fallback(amqtt_demo: Demo) -> None:
    wait_for("the banner", lambda: "MaintainX is running" in amqtt_demo.output(), timeout=60)
    assert "amqtt: Mosquitto is not installed, so the pure-Python fallback" in amqtt_demo.output()


def test_readings_predictions_and_a_ticket_arrive_through_amqtt(amqtt_demo: Demo) -> None:
    failing = failing_machine_ids(GATEWAYS, PER_GATEWAY)
    assert failing
    machine = next(iter(failing))

    def stored() -> tuple[int, int] | None:
        readings = get(amqtt_demo.api, f"/api/machines/{machine}/readings")["points"]
        predictions = get(amqtt_demo.api, f"/api/machines/{machine}/predictions")["points"]
        return (len(readings), len(predictions)) if readings and predictions else None

    wait_for("readings and predictions stored through amqtt", stored, timeout=120, every=2)
    tickets = wait_for(
        "a ticket for the failing machine",
        lambda: [t for t in ticket_list(amqtt_demo.api) if t["machine_id"] in failing],
        timeout=240,
        every=3,
    )
    assert tickets[0]["reason"]["failure_prob"] >= 0.5
