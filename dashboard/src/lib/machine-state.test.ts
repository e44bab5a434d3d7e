// The operating state and risk freshness rules (lib/machine-state.ts).
import { describe, expect, it } from "vitest";

import { testMachine } from "@/test/fixtures";
import type { Machine } from "@/types/api";

import { operatingState, riskFreshness, silenceText } from "./machine-state";

const NOW = new Date("2026-12-07T12:00:00Z");
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

function machine(over: Partial<Machine> = {}): Machine {
  return testMachine({
    id: "m",
    name: "CNC 01",
    type: "cnc_spindle",
    created_at: ago(3600),
    latest_reading: { ts: ago(2), temperature: 50, vibration: 1, rpm: 12000 },
    latest_prediction: {
      ts: ago(3),
      failure_prob: 0.16,
      anomaly_score: 0,
      is_anomaly: false,
      model_version: "v1",
    },
    ...over,
  });
}

describe("operatingState", () => {
  it("is running at speed, stopped near 0 rpm, tripped when stopped with an open ticket", () => {
    expect(operatingState(machine(), 0.7, NOW)).toBe("running");
    const stopped = { ts: ago(2), temperature: 30, vibration: 0.05, rpm: 0 };
    expect(operatingState(machine({ latest_reading: stopped }), 0.7, NOW)).toBe("stopped");
    expect(operatingState(machine({ latest_reading: stopped, open_tickets: 1 }), 0.7, NOW)).toBe("tripped");
  });

  it("says no data once the newest reading is older than a minute, and for how long", () => {
    const silent = machine({ latest_reading: { ts: ago(185), temperature: 50, vibration: 1, rpm: 12000 } });
    expect(operatingState(silent, 0.7, NOW)).toBe("no_data");
    expect(silenceText(silent, NOW)).toBe("no data for 3 min");
    expect(operatingState(machine({ latest_reading: null }), 0.7, NOW)).toBe("no_data");
  });
});

describe("riskFreshness", () => {
  it("is current for a prediction a few seconds old", () => {
    expect(riskFreshness(machine(), NOW)).toEqual({ kind: "current", ageS: 3 });
  });

  it("is old after 30 s, and from before the repair when a ticket was resolved after it", () => {
    const old = machine({
      latest_prediction: {
        ts: ago(45),
        failure_prob: 0.97,
        anomaly_score: 0,
        is_anomaly: false,
        model_version: "v1",
      },
    });
    expect(riskFreshness(old, NOW).kind).toBe("old");
    expect(riskFreshness(machine({ last_repair_at: ago(1) }), NOW).kind).toBe("before_repair");
  });
});
