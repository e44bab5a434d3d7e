// Driving signals in plant units and the time left.
import { describe, expect, it } from "vitest";

import type { SignalDriver } from "@/types/api";

import { describeSignal, timeLeft } from "./signal-line";

const vibration: SignalDriver = {
  signal: "vibration",
  label: "Vibration",
  unit: "mm/s",
  value: 7.3,
  normal_mean: 2.1,
  normal_std: 0.6,
  trend_per_hour: 0.4,
  feature: "vibration_slope",
  z: 8.7,
};

describe("describeSignal", () => {
  it("says the value in its unit against the type's normal and how fast it moves", () => {
    expect(describeSignal(vibration, "pump")).toEqual({
      value: "Vibration 7.30 mm/s",
      normal: "normal for pumps 2.10 ± 0.60",
      trend: "rising 0.40 mm/s per hour",
    });
  });

  it("says falling, steady, or nothing when a part is unknown", () => {
    expect(
      describeSignal({ ...vibration, trend_per_hour: -12.5, unit: "rpm", label: "Speed" }, "fan").trend,
    ).toBe("falling 13 rpm per hour");
    expect(describeSignal({ ...vibration, trend_per_hour: 0.001 }, "pump").trend).toBe("steady");
    const bare = describeSignal(
      { ...vibration, normal_mean: null, normal_std: null, trend_per_hour: null },
      "pump",
    );
    expect(bare).toEqual({ value: "Vibration 7.30 mm/s", normal: null, trend: null });
  });
});

describe("timeLeft", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  it("counts down in hours, then minutes, then says due", () => {
    expect(timeLeft("2026-12-08T09:30:00Z", now)).toBe("about 21 h left");
    expect(timeLeft("2026-12-07T12:30:00Z", now)).toBe("about 30 min left");
    expect(timeLeft("2026-12-07T11:00:00Z", now)).toBe("due now");
    expect(timeLeft(null, now)).toBeNull();
  });
});
