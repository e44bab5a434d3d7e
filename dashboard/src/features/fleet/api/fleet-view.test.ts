import { describe, expect, it } from "vitest";

import { testMachine } from "@/test/fixtures";
import type { Machine } from "@/types/api";

import {
  filterMachines,
  fleetViewParams,
  parseFleetView,
  sortMachines,
  toggleSort,
  type FleetView,
} from "./fleet-view";

const NOW = new Date("2026-12-07T12:00:00Z");
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

function machine(name: string, over: Partial<Machine> = {}, risk: number | null = null, seenS = 5): Machine {
  return testMachine({
    id: `id-${name}`,
    name,
    created_at: ago(3600),
    latest_reading: { ts: ago(seenS), temperature: 60, vibration: 2, rpm: 1500 },
    latest_prediction:
      risk === null
        ? null
        : { ts: ago(2), failure_prob: risk, anomaly_score: 0, is_anomaly: false, model_version: "m" },
    ...over,
  });
}

const DEFAULT: FleetView = { siteId: null, lineId: null, sort: "risk", dir: "desc", layout: "cards" };

describe("the fleet view in the URL", () => {
  it("reads defaults from an empty or nonsensical query", () => {
    expect(parseFleetView(new URLSearchParams())).toEqual(DEFAULT);
    expect(parseFleetView(new URLSearchParams("sort=bogus&dir=sideways&view=grid"))).toEqual(DEFAULT);
  });

  it("round-trips every field and leaves defaults out of the link", () => {
    const view: FleetView = { siteId: "s1", lineId: "l1", sort: "name", dir: "desc", layout: "table" };
    const params = fleetViewParams(view);
    expect(params.toString()).toBe("site=s1&line=l1&sort=name&dir=desc&view=table");
    expect(parseFleetView(params)).toEqual(view);
    expect(fleetViewParams(DEFAULT).toString()).toBe("");
  });

  it("flips the direction on the same column and starts a new column at its own default", () => {
    const byName = toggleSort(DEFAULT, "name");
    expect([byName.sort, byName.dir]).toEqual(["name", "asc"]);
    expect(toggleSort(byName, "name").dir).toBe("desc");
    expect(toggleSort(byName, "last_seen").dir).toBe("desc");
  });
});

describe("filtering by site and line", () => {
  const a1 = machine("A1", { site_id: "A", line_id: "A-1" });
  const a2 = machine("A2", { site_id: "A", line_id: "A-2" });
  const b1 = machine("B1", { site_id: "B", line_id: "B-1" });
  const loose = machine("Loose");

  it("keeps the site's machines, or only the line's, and never an unplaced one once filtered", () => {
    const all = [a1, a2, b1, loose];
    expect(filterMachines(all, DEFAULT)).toEqual(all);
    expect(filterMachines(all, { ...DEFAULT, siteId: "A" })).toEqual([a1, a2]);
    expect(filterMachines(all, { ...DEFAULT, siteId: "A", lineId: "A-2" })).toEqual([a2]);
    expect(filterMachines(all, { ...DEFAULT, siteId: "B", lineId: "A-2" })).toEqual([]);
  });
});

describe("sorting", () => {
  const names = (ms: Machine[]) => ms.map((m) => m.name);
  const high = machine("High", {}, 0.9);
  const mid = machine("Mid", {}, 0.5);
  const tieB = machine("b-tie", {}, 0.5);
  const none = machine("None", {}, null);
  const stale = machine("Stale", {
    latest_prediction: {
      ts: ago(3600),
      failure_prob: 0.99,
      anomaly_score: 0,
      is_anomaly: false,
      model_version: "m",
    },
  });

  it("puts the riskiest first, ties by name, and machines without a current risk last either way", () => {
    const fleet = [none, mid, stale, tieB, high];
    expect(names(sortMachines(fleet, "risk", "desc", 0.7, NOW))).toEqual([
      "High",
      "b-tie",
      "Mid",
      "None",
      "Stale",
    ]);
    expect(names(sortMachines(fleet, "risk", "asc", 0.7, NOW))).toEqual([
      "b-tie",
      "Mid",
      "High",
      "None",
      "Stale",
    ]);
  });

  it("sorts by name case-insensitively and by last seen, never-seen last", () => {
    const recent = machine("recent", {}, null, 1);
    const old = machine("Old", {}, null, 500);
    const never = machine("Never", { latest_reading: null });
    expect(names(sortMachines([old, never, recent], "name", "asc", 0.7, NOW))).toEqual([
      "Never",
      "Old",
      "recent",
    ]);
    expect(names(sortMachines([old, never, recent], "last_seen", "desc", 0.7, NOW))).toEqual([
      "recent",
      "Old",
      "Never",
    ]);
  });

  it("puts tripped and silent machines first when sorting by status", () => {
    const running = machine("Running");
    const silent = machine("Silent", {}, null, 3600);
    const tripped = machine("Tripped", {
      open_tickets: 1,
      latest_reading: { ts: ago(5), temperature: 60, vibration: 2, rpm: 0 },
    });
    expect(names(sortMachines([running, silent, tripped], "status", "asc", 0.7, NOW))).toEqual([
      "Tripped",
      "Silent",
      "Running",
    ]);
  });

  it("sorts a thousand machines without losing or duplicating any", () => {
    const fleet = Array.from({ length: 1000 }, (_, i) => machine(`M${i}`, {}, ((i * 7919) % 1000) / 1000));
    const sorted = sortMachines(fleet, "risk", "desc", 0.7, NOW);
    expect(new Set(sorted.map((m) => m.id)).size).toBe(1000);
    const risks = sorted.map((m) => m.latest_prediction?.failure_prob ?? -1);
    expect(risks.every((r, i) => i === 0 || (risks[i - 1] ?? 0) >= r)).toBe(true);
  });
});
