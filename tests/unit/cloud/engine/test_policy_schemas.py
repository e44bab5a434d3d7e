"""The policy's wire form: it round-trips the engine's config and names the field a broken rule is about."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cloud.config import Settings
from cloud.engine.policy import PolicyConfig
from cloud.engine.schemas import PolicyValues
from cloud.engine.settings import policy_config
from cloud.errors import InvalidRequestError

pytestmark = pytest.mark.unit


def test_the_wire_form_round_trips_the_settings_policy() -> None:
    config = policy_config(Settings(engine_enter_threshold=0.75, engine_cooldown_s=90, engine_horizon_h=48))

    values = PolicyValues.from_config(config)

    values.check()
    assert values.to_config() == config
    assert (values.cooldown_s, values.horizon_h) == (90.0, 48.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"exit_threshold": 0.7}, "exit_threshold"),
        ({"required": 6}, "required"),
        ({"high_threshold": 0.65}, "high_threshold"),
        ({"high_threshold": 0.95}, "high_threshold"),
        ({"high_ttf_h": 30.0}, "high_ttf_h"),
        ({"critical_ttf_h": 13.0}, "critical_ttf_h"),
    ],
)
def test_check_names_the_field_of_the_broken_rule(change: dict[str, float], field: str) -> None:
    values = PolicyValues.from_config(PolicyConfig()).model_copy(update=change)

    with pytest.raises(InvalidRequestError, match=field) as caught:
        values.check()

    assert caught.value.loc == ("body", field)


def test_durations_too_long_for_a_timedelta_are_refused_by_validation() -> None:
    wire = PolicyValues.from_config(PolicyConfig()).model_dump() | {"horizon_h": 1e300}

    with pytest.raises(ValidationError, match="horizon_h"):
        PolicyValues.model_validate(wire)
