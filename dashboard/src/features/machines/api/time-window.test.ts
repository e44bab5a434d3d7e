// The chart ranges and the window each asks the API for.
import { describe, expect, it } from "vitest";

import { fittingRange, lastWindow, RANGES, rangeTitle } from "./time-window";

describe("time ranges", () => {
  it("offers 15 min to 7 days, shortest first", () => {
    expect(RANGES.map((r) => r.label)).toEqual(["15 min", "1 h", "6 h", "24 h", "7 d"]);
    expect(RANGES.map((r) => r.ms)).toEqual([...RANGES.map((r) => r.ms)].sort((a, b) => a - b));
  });

  it("asks for the range ending now", () => {
    const now = new Date("2026-11-26T12:00:00Z");
    expect(lastWindow(6 * 3600_000, now)).toEqual({
      start: "2026-11-26T06:00:00.000Z",
      end: "2026-11-26T12:00:00.000Z",
    });
  });

  it("titles a range for the chart heading", () => {
    expect(rangeTitle(3600_000)).toBe("Last 1 h");
    expect(rangeTitle(7 * 24 * 3600_000)).toBe("Last 7 d");
  });
});

describe("fittingRange", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  it("opens a young machine at 15 min", () => {
    expect(fittingRange("2026-12-07T11:50:00Z", now)).toBe(15 * 60 * 1000);
  });
  it("opens at the hour once the data spans more than 15 min, and never further back", () => {
    expect(fittingRange("2026-12-07T11:20:00Z", now)).toBe(60 * 60 * 1000);
    expect(fittingRange("2026-11-07T11:20:00Z", now)).toBe(60 * 60 * 1000);
  });
  it("falls back to the hour without a start", () => {
    expect(fittingRange(null, now)).toBe(60 * 60 * 1000);
  });
});
