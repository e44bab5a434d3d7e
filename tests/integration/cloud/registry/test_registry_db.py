"""The registry on a real PostgreSQL: register, sign, alias, roll out in stages, record reports and runs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

import cloud.registry.models  # noqa: F401  (fills Base.metadata with the registry tables)
from cloud.db import load_models, make_engine, session_factory
from cloud.registry import rollout, service, signing
from cloud.registry.errors import ArtifactError, RolloutError
from cloud.registry.reports import record_report
from cloud.registry.store import BlobStore
from contract.payloads import DeploymentReport, ModelUpdateCommand, ShadowStats
from edge_agent import trust
from tests.support.tiny_model import write_model_dir

pytestmark = pytest.mark.integration

BASE_URL = "http://cloud.example:8000"


class Recorder:
    """An UpdatePublisher that keeps what it was asked to send (the MQTT path is tested end to end)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, ModelUpdateCommand]] = []

    def publish_update(self, gateway_id: str, command: ModelUpdateCommand) -> None:
        self.sent.append((gateway_id, command))


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def key(tmp_path: Path):
    signing.generate_key(tmp_path / "k.key", tmp_path / "keys" / "k.pub")
    return signing.load_private_key(tmp_path / "k.key")


def test_the_migration_matches_the_registry_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, load_models())
    engine.dispose()
    ours = {
        "model_versions",
        "model_aliases",
        "gateway_labels",
        "rollouts",
        "rollout_targets",
        "gateway_model_runs",
    }
    assert [d for d in diff if any(t in repr(d) for t in ours)] == []


def test_register_sign_and_promote_a_model_folder(session: Session, tmp_path: Path, key) -> None:
    store = BlobStore(tmp_path / "store")
    folder = write_model_dir(tmp_path / "m1", version="v1", window=10)
    row = service.register(db_session=session, store=store, model_dir=folder)
    assert store.has(row.sha256) and row.input_schema["window"] == 10
    assert service.register(db_session=session, store=store, model_dir=folder).id == row.id
    service.sign(db_session=session, ref="v1", key=key)
    service.set_alias(db_session=session, alias="champion", ref="v1")
    session.commit()
    assert service.aliases(db_session=session) == {"champion": "v1"}
    payload = trust.verify_envelope(row.envelope or "", trust.load_trusted_keys(tmp_path / "keys"))
    assert payload.serial == row.id and payload.sha256 == row.sha256
    assert service.get_version(db_session=session, ref="champion").version == "v1"


def test_a_folder_whose_bytes_differ_from_its_manifest_is_not_registered(
    session: Session, tmp_path: Path
) -> None:
    folder = write_model_dir(tmp_path / "m1", version="v1", window=10)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="the manifest says"):
        service.register(db_session=session, store=BlobStore(tmp_path / "s"), model_dir=folder)


def test_a_rollout_reaches_its_canary_then_the_group_and_promotes_at_the_end(
    session: Session,
    tmp_path: Path,
    key,
) -> None:
    folder = write_model_dir(tmp_path / "m2", version="v2", window=10)
    service.register(db_session=session, store=BlobStore(tmp_path / "s"), model_dir=folder)
    service.sign(db_session=session, ref="v2", key=key)
    for i in range(10):
        rollout.label(db_session=session, gateway_id=f"gw-{i}", key="group", value="line-a")
    rollout.label(db_session=session, gateway_id="gw-other", key="group", value="line-b")
    sent = Recorder()
    r = rollout.start(
        db_session=session,
        publisher=sent,
        ref="v2",
        base_url=BASE_URL,
        target_key="group",
        target_value="line-a",
        stages=(0.2, 1.0),
    )
    canary = [gw for gw, _ in sent.sent]
    assert len(canary) == 2 and "gw-other" not in canary
    assert all(cmd.url.startswith(f"{BASE_URL}/api/registry/blobs/") for _, cmd in sent.sent)
    with pytest.raises(RolloutError, match="gate not met"):
        rollout.advance(db_session=session, publisher=sent, rollout_id=r.id, base_url=BASE_URL)
    for gw in canary:
        record_report(
            db_session=session,
            report=DeploymentReport(
                gateway_id=gw,
                rollout_id=r.id,
                version="v2",
                state="active",
                ts=datetime.now(UTC),
                serving="v2",
            ),
        )
    rollout.advance(db_session=session, publisher=sent, rollout_id=r.id, base_url=BASE_URL)
    assert sorted(gw for gw, _ in sent.sent) == [f"gw-{i}" for i in range(10)]
    rollout.advance(db_session=session, publisher=sent, rollout_id=r.id, base_url=BASE_URL, gate=None)
    assert rollout.get(db_session=session, rollout_id=r.id).state == "completed"
    assert service.aliases(db_session=session)["champion"] == "v2"


def test_a_rolled_back_gateway_blocks_the_next_stage(session: Session, tmp_path: Path, key) -> None:
    folder = write_model_dir(tmp_path / "m2", version="v2", window=10)
    service.register(db_session=session, store=BlobStore(tmp_path / "s"), model_dir=folder)
    service.sign(db_session=session, ref="v2", key=key)
    rollout.label(db_session=session, gateway_id="gw-1", key="tag", value="canary")
    sent = Recorder()
    r = rollout.start(
        db_session=session,
        publisher=sent,
        ref="v2",
        base_url=BASE_URL,
        target_key="tag",
        target_value="canary",
        stages=(1.0,),
    )
    record_report(
        db_session=session,
        report=DeploymentReport(
            gateway_id="gw-1",
            rollout_id=r.id,
            version="v2",
            state="rolled_back",
            ts=datetime.now(UTC),
            serving="v1",
            detail="error: NaN",
        ),
    )
    with pytest.raises(RolloutError, match="gw-1: rolled_back"):
        rollout.advance(db_session=session, publisher=sent, rollout_id=r.id, base_url=BASE_URL)


def test_a_shadow_rollout_is_gated_on_agreement(session: Session, tmp_path: Path, key) -> None:
    folder = write_model_dir(tmp_path / "m2", version="v2", window=10)
    service.register(db_session=session, store=BlobStore(tmp_path / "s"), model_dir=folder)
    service.sign(db_session=session, ref="v2", key=key)
    rollout.label(db_session=session, gateway_id="gw-1", key="group", value="g")
    sent = Recorder()
    r = rollout.start(
        db_session=session,
        publisher=sent,
        ref="v2",
        base_url=BASE_URL,
        target_key="group",
        target_value="g",
        stages=(1.0,),
        mode="shadow",
    )
    assert sent.sent[0][1].mode == "shadow"

    def report(agreement: float) -> None:
        stats = ShadowStats(
            champion="v1",
            challenger="v2",
            windows=100,
            agreement=agreement,
            score_drift=0.01,
            mean_abs_diff=0.02,
            champion_latency_ms_p95=1.0,
            challenger_latency_ms_p95=1.2,
        )
        record_report(
            db_session=session,
            report=DeploymentReport(
                gateway_id="gw-1",
                rollout_id=r.id,
                version="v2",
                state="shadow",
                ts=datetime.now(UTC),
                serving="v1",
                shadow=stats,
            ),
        )

    report(0.80)
    with pytest.raises(RolloutError, match=r"agreement 0\.800"):
        rollout.advance(db_session=session, publisher=sent, rollout_id=r.id, base_url=BASE_URL)
    report(0.99)
    rollout.advance(db_session=session, publisher=sent, rollout_id=r.id, base_url=BASE_URL)
    assert "champion" not in service.aliases(db_session=session)  # a shadow run proves, it does not promote


def test_the_gateway_status_model_version_builds_the_run_history(session: Session) -> None:
    for version in ("v1", "v1", "v2"):
        session.execute(
            sa.text(
                "INSERT INTO gateways (id, model_version) VALUES ('gw-1', :v) "
                "ON CONFLICT (id) DO UPDATE SET model_version = EXCLUDED.model_version"
            ),
            {"v": version},
        )
        session.commit()
    runs = service.runs(db_session=session, gateway_id="gw-1")
    assert [(r.version, r.ended_at is None) for r in runs] == [("v2", True), ("v1", False)]


def test_a_report_for_an_unknown_rollout_is_ignored(session: Session) -> None:
    report = DeploymentReport(
        gateway_id="gw-1",
        rollout_id=uuid.uuid4(),
        version="v2",
        state="active",
        ts=datetime.now(UTC),
        serving="v2",
    )
    assert record_report(db_session=session, report=report) is False
