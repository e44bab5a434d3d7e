"""Fleet evaluation: a quick model and the engine's policy on a small fresh fleet, and the CLI handler."""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from cloud.engine.fleet_eval import EVALUATION_SEED, evaluate_fleet
from cloud.engine.policy import PolicyConfig
from maintainx.commands.fleet_eval import add_fleet_parser
from model_registry.evaluation.errors import EvaluationError
from model_registry.training.train import train_default_model

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def version_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_default_model(tmp_path_factory.mktemp("models"), seed=0, quick=True)


def test_a_small_fresh_fleet_is_ticketed_early_with_few_false_tickets(version_dir: Path) -> None:
    result = evaluate_fleet(version_dir, machines=20, seed=EVALUATION_SEED)
    assert result["failures"] == 14 and result["machines"] == 20
    assert result["recall"] >= 0.85
    assert result["median_lead_h"] >= 12.0
    assert result["false_tickets_per_100_machine_days"] < 5.0
    assert sum(m["failures"] for m in result["per_failure_mode"].values()) == result["failures"]


def test_the_fleet_goes_through_the_policy_a_higher_bar_opens_fewer_tickets(version_dir: Path) -> None:
    low = evaluate_fleet(version_dir, machines=6, config=PolicyConfig(enter_threshold=0.5))
    never = PolicyConfig(enter_threshold=1.0, high_threshold=1.0, critical_threshold=1.0, required=5)
    high = evaluate_fleet(version_dir, machines=6, config=never)
    assert high["ticketed_failures"] + high["false_tickets"] < low["ticketed_failures"] + low["false_tickets"]
    assert high["recall"] < low["recall"]


def test_a_stricter_n_of_m_never_warns_earlier(version_dir: Path) -> None:
    loose = evaluate_fleet(version_dir, machines=9, config=PolicyConfig(required=1, window=1))
    strict = evaluate_fleet(
        version_dir, machines=9, config=PolicyConfig(required=8, window=10, horizon=timedelta(hours=24))
    )
    assert strict["median_lead_h"] <= loose["median_lead_h"]
    assert strict["false_tickets"] <= loose["false_tickets"]


def test_a_model_built_on_other_features_is_refused(version_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(version_dir, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["features"] = ["something_else"]
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(EvaluationError, match="features differ"):
        evaluate_fleet(other, machines=3)


def test_eval_fleet_prints_one_json_object(version_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_fleet_parser(parser.add_subparsers(dest="eval_command", required=True))
    args = parser.parse_args(["fleet", "--model", str(version_dir), "--machines", "6", "--json"])
    assert args.handler(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"recall", "median_lead_h", "false_tickets_per_100_machine_days", "failures"} <= result.keys()
    assert result["model_version"] == version_dir.name
