"""The ticket policy's knobs are declared once: every other form has their names, bounds and defaults."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cloud.config import Settings
from cloud.engine import knobs
from cloud.engine.policy import PolicyConfig
from cloud.engine.schemas import PolicyValues

pytestmark = pytest.mark.unit

DOCS = Path(__file__).resolve().parents[4] / "docs" / "ai-engine.md"


def test_settings_api_and_engine_have_exactly_the_declared_knobs() -> None:
    names = [knob.name for knob in knobs.KNOBS]

    assert [f for f in Settings.model_fields if f.startswith("engine_")] == [f"engine_{n}" for n in names]
    assert list(PolicyValues.model_fields) == names
    assert [f.name for f in dataclasses.fields(PolicyConfig)] == [k.attribute for k in knobs.KNOBS]


@pytest.mark.parametrize("knob", knobs.KNOBS, ids=lambda k: k.name)
def test_settings_and_api_take_the_declared_bounds_and_default(knob: knobs.Knob) -> None:
    setting = Settings.model_fields[knob.setting]
    wire = PolicyValues.model_fields[knob.name]

    assert setting.default == knob.default and wire.is_required()
    assert setting.metadata == wire.metadata
    assert wire.description is not None and knob.description in wire.description


def test_the_docs_list_every_variable() -> None:
    text = DOCS.read_text()

    assert all(knob.env.removeprefix(knobs.ENV_PREFIX) in text for knob in knobs.KNOBS)
