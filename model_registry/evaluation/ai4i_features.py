"""AI4I 2020 feature rows from one process run's sensor values (product type and five sensor columns).

Besides the raw values and the derived quantities (ΔT, mechanical power, tool wear x torque), each row carries
three limit flags: whether the run is past the limit that the dataset's description (UCI dataset 601,
https://archive.ics.uci.edu/dataset/601, Matzka 2020) gives for heat dissipation, power and overstrain.
A forest could learn those cuts itself, but with about 230 deterministic failures per training fold it places
them loosely; and it works in float32 and ignores cuts finer than 1e-7, so it cannot place a cut the way the
generator made it (see ``delta_t_decimals``). The flags are fixed physics, nothing in them is fitted.
"""

from __future__ import annotations

import math

TYPES = ("L", "M", "H")
# Limits from the UCI description of AI4I 2020. Heat dissipation fails when process - air temperature is below
# 8.6 K and the rotational speed below 1380 rpm; power fails below 3500 W or above 9000 W; overstrain fails
# when tool wear x torque exceeds 11,000 / 12,000 / 13,000 min·Nm for product quality L / M / H.
HEAT_DELTA_T_LIMIT_K = 8.6
HEAT_RPM_LIMIT = 1380.0
POWER_MIN_W = 3500.0
POWER_MAX_W = 9000.0
STRAIN_LIMIT = {"L": 11_000.0, "M": 12_000.0, "H": 13_000.0}
# The CSV's sensor column names, kept as the raw features' names.
SENSOR_COLS = (
    "Air temperature [K]",
    "Process temperature [K]",
    "Rotational speed [rpm]",
    "Torque [Nm]",
    "Tool wear [min]",
)
LIMIT_FLAGS = ("heat_limit_crossed", "power_limit_crossed", "strain_limit_crossed")
FEATURE_NAMES = (
    "type_L",
    "type_M",
    "type_H",
    *SENSOR_COLS,
    "temp_difference_K",
    "power_W",
    "wear_x_torque",
    "strain_ratio",
    *LIMIT_FLAGS,
)


def power_w(rpm: float, torque: float) -> float:
    """Mechanical power in watts: torque times angular speed (rpm · 2π / 60)."""
    return torque * rpm * 2.0 * math.pi / 60.0


def features(
    type_code: str,
    air: float,
    process: float,
    rpm: float,
    torque: float,
    wear: float,
    *,
    delta_t_decimals: int | None = None,
) -> list[float]:
    """One feature row; ``delta_t_decimals`` rounds ΔT (1 = the sensors' 0.1 K) before the heat limit test.

    By default ΔT is process - air in float64, which is how the generator compared it: 27 runs below 1380 rpm
    show ΔT = 8.6 K at the CSV's 0.1 K resolution, and float64 subtraction puts 12 of them just below 8.6 (all
    12 are heat failures) and 15 just above (none is). Rounded to 0.1 K, all 27 sit on the limit, not below.
    """
    delta_t = process - air
    if delta_t_decimals is not None:
        delta_t = round(delta_t, delta_t_decimals)
    power = power_w(rpm, torque)
    strain = wear * torque
    limit = STRAIN_LIMIT[type_code]
    one_hot = [1.0 if type_code == t else 0.0 for t in TYPES]
    flags = [
        delta_t < HEAT_DELTA_T_LIMIT_K and rpm < HEAT_RPM_LIMIT,
        power < POWER_MIN_W or power > POWER_MAX_W,
        strain > limit,
    ]
    derived = [delta_t, power, strain, strain / limit]
    return [*one_hot, air, process, rpm, torque, wear, *derived, *(float(f) for f in flags)]
