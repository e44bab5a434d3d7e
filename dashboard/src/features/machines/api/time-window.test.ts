// The chart ranges and the window each asks the API for.
import { describe, expect, it } from "vitest";

import { lastWindow, RANGES, rangeTitle } from "./time-window";

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
