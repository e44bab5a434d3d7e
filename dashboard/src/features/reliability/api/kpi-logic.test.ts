import { describe, expect, it } from "vitest";

import type { KpiGroup } from "@/types/api";

import {
  bucketLabel,
  chartGroups,
  countsByKind,
  formatHours,
  formatShare,
  lastDays,
  periodParams,
  stack,
} from "./kpi-logic";

describe("periodParams", () => {
  it("turns whole UTC days into the API's half-open range", () => {
    expect(periodParams({ from: "2026-03-01", to: "2026-03-31" })).toEqual({
      start: "2026-03-01T00:00:00.000Z",
      end: "2026-04-01T00:00:00.000Z",
    });
  });
  it("takes one day as a 24-hour period", () => {
    expect(periodParams({ from: "2026-12-31", to: "2026-12-31" })).toEqual({
      start: "2026-12-31T00:00:00.000Z",
      end: "2027-01-01T00:00:00.000Z",
    });
  });
  it("refuses a backwards range and a missing day", () => {
    expect(periodParams({ from: "2026-03-02", to: "2026-03-01" })).toEqual({
      error: "The end day is before the start day.",
    });
    expect(periodParams({ from: "", to: "2026-03-01" })).toEqual({ error: "Pick a start day." });
    expect(periodParams({ from: "2026-03-01", to: "2026-02-30x" })).toEqual({ error: "Pick an end day." });
  });
});

describe("lastDays", () => {
  it("ends on today's UTC day and counts it", () => {
    expect(lastDays(30, new Date("2026-03-31T23:59:00Z"))).toEqual({ from: "2026-03-02", to: "2026-03-31" });
    expect(lastDays(1, new Date("2026-03-31T00:00:00Z"))).toEqual({ from: "2026-03-31", to: "2026-03-31" });
  });
});

describe("formatting", () => {
  it("says durations in minutes, hours or days", () => {
    expect(formatHours(0.25)).toBe("15 min");
    expect(formatHours(6)).toBe("6 h");
    expect(formatHours(10.6667)).toBe("10.7 h");
    expect(formatHours(744)).toBe("31 d");
    expect(formatHours(null)).toBe("—");
  });
  it("shows shares as percentages and undefined ones as a dash", () => {
    expect(formatShare(0.6)).toBe("60 %");
    expect(formatShare(1)).toBe("100 %");
    expect(formatShare(null)).toBe("—");
  });
  it("labels the lead-time bars", () => {
    expect(bucketLabel({ lower_hours: 0, upper_hours: 1, count: 0 })).toBe("<1 h");
    expect(bucketLabel({ lower_hours: 12, upper_hours: 24, count: 0 })).toBe("12 h–1 d");
    expect(bucketLabel({ lower_hours: 720, upper_hours: null, count: 0 })).toBe("≥30 d");
  });
});

describe("aggregation", () => {
  it("sums outcomes into kinds in a fixed order", () => {
    expect(
      countsByKind({
        by_kind_outcome: [
          { kind: "PREDICTIVE", outcome: "CONFIRMED_FAULT", count: 3 },
          { kind: "PREDICTIVE", outcome: "FALSE_ALARM", count: 2 },
          { kind: "CORRECTIVE", outcome: null, count: 1 },
          { kind: "SENSOR", outcome: null, count: 4 },
        ],
      }),
    ).toEqual([5, 0, 1, 4]);
  });
  it("stacks series as running totals", () => {
    expect(
      stack([
        [1, 2],
        [3, 0],
        [0, 5],
      ]),
    ).toEqual([
      [1, 2],
      [4, 2],
      [4, 7],
    ]);
  });
  it("charts the busiest groups and keeps their order", () => {
    const group = (label: string, tickets: number) => ({ label, tickets }) as KpiGroup;
    const groups = [group("a", 1), group("b", 9), group("c", 5), group("d", 7)];
    expect(chartGroups(groups, 2).map((g) => g.label)).toEqual(["b", "d"]);
    expect(chartGroups(groups, 10)).toHaveLength(4);
  });
});
