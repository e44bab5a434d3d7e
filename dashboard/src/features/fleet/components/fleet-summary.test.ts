// The fleet summary numbers.
import { describe, expect, it } from "vitest";

import type { Machine } from "@/types/api";

import { summarizeFleet } from "./fleet-summary";

function machine(name: string, online: boolean, risk: number | null, openTickets: number): Machine {
  return {
    id: name,
    name,
    type: "pump",
    location: null,
    created_at: "2026-11-26T20:00:00Z",
    gateway_id: "gw-01",
    online,
    latest_reading: null,
    latest_prediction:
      risk === null
        ? null
        : {
            ts: "2026-11-26T20:00:00Z",
            failure_prob: risk,
            anomaly_score: 0,
            is_anomaly: false,
            model_version: "v1",
          },
    open_tickets: openTickets,
  };
}

describe("summarizeFleet", () => {
  it("counts machines, online ones, those at risk and open tickets", () => {
    const fleet = [
      machine("a", true, 0.95, 1),
      machine("b", false, 0.7, 0),
      machine("c", true, 0.2, 2),
      machine("d", true, null, 0),
    ];
    expect(summarizeFleet(fleet)).toEqual({ machines: 4, online: 3, atRisk: 2, openTickets: 3 });
  });
  it("is all zeros for an empty fleet", () => {
    expect(summarizeFleet([])).toEqual({ machines: 0, online: 0, atRisk: 0, openTickets: 0 });
  });
});
