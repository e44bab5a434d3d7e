// The fleet summary numbers: a tripped or silent machine needs attention as much as a risky one.
import { describe, expect, it } from "vitest";

import { testMachine } from "@/test/fixtures";
import type { Machine } from "@/types/api";

import { summarizeFleet } from "./fleet-summary";

const NOW = new Date("2026-12-07T12:00:00Z");
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

function machine(
  name: string,
  risk: number | null,
  openTickets: number,
  reading: { ageS: number; rpm: number } | null = { ageS: 2, rpm: 1450 },
): Machine {
  return testMachine({
    id: name,
    name,
    created_at: ago(3600),
    latest_reading: reading && { ts: ago(reading.ageS), temperature: 60, vibration: 2, rpm: reading.rpm },
    latest_prediction:
      risk === null
        ? null
        : { ts: ago(3), failure_prob: risk, anomaly_score: 0, is_anomaly: false, model_version: "v1" },
    open_tickets: openTickets,
  });
}

describe("summarizeFleet", () => {
  it("counts a tripped machine and a silent one as needing attention, beside the risky one", () => {
    const fleet = [
      machine("risky", 0.95, 1),
      machine("tripped", 0.16, 1, { ageS: 2, rpm: 3 }),
      machine("silent", 0.1, 0, { ageS: 300, rpm: 1450 }),
      machine("fine", 0.2, 0),
      machine("planned stop", 0.1, 0, { ageS: 2, rpm: 2 }),
    ];
    expect(summarizeFleet(fleet, 0.7, NOW)).toEqual({
      machines: 5,
      running: 2,
      attention: 3,
      atRisk: 1,
      tripped: 1,
      silent: 1,
      openTickets: 2,
    });
  });

  it("does not count a risk from before the repair", () => {
    const repaired = { ...machine("repaired", 0.98, 0), last_repair_at: ago(1) };
    expect(summarizeFleet([repaired], 0.7, NOW).attention).toBe(0);
  });

  it("is all zeros for an empty fleet", () => {
    expect(summarizeFleet([], 0.7, NOW).attention).toBe(0);
  });
});
