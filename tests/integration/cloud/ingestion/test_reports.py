"""Deployment reports go through the ingestion worker like every other gateway message (real Mosquitto,
real PostgreSQL): stored against their rollout, the newest winning; bad ones dead-lettered with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from cloud.ingestion.worker import IngestWorker
from contract.codec import encode
from contract.topics import Kind, gateway_topic
from tests.integration.cloud.ingestion.kit import Publisher, deployment, make_rollout, scalar, wait_until

pytestmark = pytest.mark.integration


def _target(db: sa.Engine, gateway_id: str) -> tuple[str, str | None] | None:
    with db.connect() as conn:
        row = conn.execute(
            sa.text("SELECT state, detail FROM rollout_targets WHERE gateway_id = :g"), {"g": gateway_id}
        ).one_or_none()
    return None if row is None else (row.state, row.detail)


def test_a_report_is_stored_against_its_rollout_and_an_older_one_changes_nothing(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    rollout_id = make_rollout(db)
    now = datetime.now(UTC)
    topic = gateway_topic("gw-r1", Kind.DEPLOYMENT)

    publisher.publish(topic, encode(deployment("gw-r1", rollout_id, "active", ts=now, detail="swapped")))
    wait_until(lambda: _target(db, "gw-r1") == ("active", "swapped"), what="the report stored")
    publisher.publish(topic, encode(deployment("gw-r1", rollout_id, "failed", ts=now - timedelta(minutes=1))))
    publisher.publish(gateway_topic("gw-r2", Kind.DEPLOYMENT), encode(deployment("gw-r2", None, "active")))
    wait_until(lambda: worker.totals.reports_unknown == 1, what="the report of no rollout counted")

    assert _target(db, "gw-r1") == ("active", "swapped")
    assert worker.totals.reports == 2
    assert scalar(db, "SELECT count(*) FROM rollout_targets") == 1


def test_a_poison_report_is_dead_lettered_with_a_reason_and_the_next_ones_are_stored(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    rollout_id = make_rollout(db)
    topic = gateway_topic("gw-p", Kind.DEPLOYMENT)

    publisher.publish(topic, b'{"type": "deployment", "gateway_id": ')
    publisher.publish(topic, encode(deployment("gw-other", rollout_id)))
    publisher.publish(topic, encode(deployment("gw-p", rollout_id, ts=datetime.now(UTC) + timedelta(days=1))))
    publisher.publish(topic, encode(deployment("gw-p", rollout_id, "verified")))
    wait_until(lambda: _target(db, "gw-p") is not None, what="the good report stored")

    with db.connect() as conn:
        reasons = conn.execute(sa.text("SELECT reason FROM dead_letters WHERE topic = :t"), {"t": topic})
        assert sorted(r.reason for r in reasons) == ["gateway_mismatch", "malformed", "out_of_window"]
    assert _target(db, "gw-p") == ("verified", None)
    assert worker.error is None
