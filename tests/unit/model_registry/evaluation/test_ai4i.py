"""AI4I features come from sensor columns only, and the CV runner learns the failures (on a subset)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from maintainx.commands.datasets import datasets_dir
from model_registry.evaluation.ai4i import FEATURE_NAMES, Ai4iSettings, cross_validate, features, load_ai4i
from model_registry.evaluation.errors import CsvFormatError

pytestmark = pytest.mark.unit

HEADER = (
    "UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],"
    "Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF\n"
)


def test_derived_features_follow_the_physics() -> None:
    row = dict(zip(FEATURE_NAMES, features("M", 300.0, 310.0, 1500.0, 40.0, 100.0), strict=True))
    assert row["temp_difference_K"] == pytest.approx(10.0)
    assert row["power_W"] == pytest.approx(40.0 * 1500.0 * 2 * math.pi / 60)
    assert row["strain_ratio"] == pytest.approx(4000.0 / 12_000.0)
    assert (row["type_L"], row["type_M"], row["type_H"]) == (0.0, 1.0, 0.0)


def test_failure_mode_flags_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "ai4i.csv"
    path.write_text(HEADER + "1,L1,L,298,308,1500,40,10,1,garbage,x,y,z,w\n")
    x, y = load_ai4i(path)
    assert x.shape == (1, len(FEATURE_NAMES)) and y.tolist() == [1]


def test_unknown_product_type_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ai4i.csv"
    path.write_text(HEADER + "1,L1,X,298,308,1500,40,10,0,0,0,0,0,0\n")
    with pytest.raises(CsvFormatError, match=r":2: column 'Type'"):
        load_ai4i(path)


def test_cross_validation_on_a_subset_finds_most_failures(tmp_path: Path) -> None:
    # The full 5x5 run takes minutes; 4,000 rows and 2 folds prove the pipeline end to end in seconds.
    lines = (datasets_dir() / "ai4i2020" / "ai4i2020.csv").read_text(encoding="utf-8-sig").splitlines()
    subset = tmp_path / "subset.csv"
    subset.write_text("\n".join(lines[:4001]) + "\n")
    result = cross_validate(subset, Ai4iSettings(repeats=1, folds=2, trees=30))
    assert result["rows"] == 4000
    assert result["f1"] > 0.6  # a model that learned nothing scores about 0.07 here
