// Display formatting of numbers, risks, times and ticket features.
import { describe, expect, it } from "vitest";

import {
  formatAge,
  formatClock,
  formatDateTime,
  formatClockOffset,
  formatDuration,
  formatFault,
  formatFeatureName,
  formatNumber,
  formatPercent,
  keyFeatures,
  proposedFault,
  sumCounts,
  ticketTitle,
} from "./format";

describe("formatFault", () => {
  it("writes a failure mode as the ticket titles do", () => {
    expect(formatFault("bearing_wear")).toBe("Bearing wear");
    expect(formatFault("cooling_fault")).toBe("Cooling fault");
    expect(formatFault("imbalance")).toBe("Imbalance");
  });
  it("is empty when no mode was named", () => {
    expect(formatFault(null)).toBe("");
    expect(formatFault(undefined)).toBe("");
  });
});

describe("proposedFault", () => {
  it("proposes the ticket's mode when it is a known one, else none", () => {
    expect(proposedFault("cooling_fault")).toBe("cooling_fault");
    expect(proposedFault("failure_risk")).toBe("");
    expect(proposedFault("manual")).toBe("");
  });
});

describe("formatPercent", () => {
  it("rounds a probability to a whole percentage", () => {
    expect(formatPercent(0.873)).toBe("87%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0)).toBe("0%");
  });
  it("keeps the requested decimals", () => {
    expect(formatPercent(0.8735, 1)).toBe("87.4%");
  });
  it("shows a dash for a missing value", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(undefined)).toBe("—");
    expect(formatPercent(Number.NaN)).toBe("—");
  });
});

describe("formatNumber", () => {
  it("formats with fixed decimals, thousands separators and a unit", () => {
    expect(formatNumber(71.26, 1, "°C")).toBe("71.3 °C");
    expect(formatNumber(1480.4, 0, "rpm")).toBe("1,480 rpm");
    expect(formatNumber(2.5, 2)).toBe("2.50");
  });
  it("shows a dash for missing or infinite values", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(Number.POSITIVE_INFINITY, 1, "°C")).toBe("—");
  });
});

describe("formatAge", () => {
  const now = new Date("2026-11-26T20:00:00Z");
  it("says how long ago a time was, in the largest whole unit", () => {
    expect(formatAge("2026-11-26T19:59:58Z", now)).toBe("just now");
    expect(formatAge("2026-11-26T19:59:30Z", now)).toBe("30 s ago");
    expect(formatAge("2026-11-26T19:55:00Z", now)).toBe("5 min ago");
    expect(formatAge("2026-11-26T17:00:00Z", now)).toBe("3 h ago");
    expect(formatAge("2026-11-24T20:00:00Z", now)).toBe("2 d ago");
  });
  it("treats a time slightly in the future (clock skew) as now", () => {
    expect(formatAge("2026-11-26T20:00:03Z", now)).toBe("just now");
  });
  it("says never for a missing time and a dash for garbage", () => {
    expect(formatAge(null, now)).toBe("never");
    expect(formatAge("not a time", now)).toBe("—");
  });
});

describe("formatDateTime", () => {
  it("formats a valid time and dashes an invalid one", () => {
    expect(formatDateTime("2026-11-26T20:53:25.123456Z")).toMatch(/Nov 2[67], \d{2}:53:25/);
    // 24-hour whatever the hour: no AM/PM, and midnight is 00, not 24.
    expect(formatDateTime("2026-11-26T15:05:00Z")).not.toMatch(/[AP]M/);
    expect(formatClock(new Date(2026, 10, 26, 0, 5, 9), "second")).toMatch(/^00.05.09$/);
    expect(formatClock(new Date(2026, 10, 26, 15, 5), "minute")).toMatch(/^15.05$/);
    expect(formatDateTime("nope")).toBe("—");
    expect(formatDateTime(null)).toBe("—");
  });
});

describe("formatDuration", () => {
  it("formats seconds and minutes", () => {
    expect(formatDuration(0.42)).toBe("0.4 s");
    expect(formatDuration(75)).toBe("1 min 15 s");
    expect(formatDuration(120)).toBe("2 min");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("formatClockOffset", () => {
  it("says how far and which way a gateway clock is off, and calls transit time in sync", () => {
    expect(formatClockOffset(-600.4)).toBe("10 min behind");
    expect(formatClockOffset(3.5)).toBe("3.5 s ahead");
    expect(formatClockOffset(-0.3)).toBe("in sync");
    expect(formatClockOffset(-2 * 86400)).toBe("48.0 h behind");
    expect(formatClockOffset(null)).toBe("—");
  });
});

describe("keyFeatures", () => {
  const features = {
    temperature_mean: 80.1,
    vibration_slope: 0.02,
    temperature_slope: -0.5,
    rpm_std: 12,
    rpm_slope: Number.NaN,
  };
  it("lists slopes first, each group by magnitude, and skips non-finite values", () => {
    expect(keyFeatures(features, 4)).toEqual([
      ["temperature_slope", -0.5],
      ["vibration_slope", 0.02],
      ["temperature_mean", 80.1],
      ["rpm_std", 12],
    ]);
  });
  it("returns the requested number at most, and nothing for null", () => {
    expect(keyFeatures(features, 1)).toHaveLength(1);
    expect(keyFeatures(null)).toEqual([]);
  });
});

describe("small helpers", () => {
  it("turns feature names into words", () => {
    expect(formatFeatureName("vibration_per_krpm")).toBe("vibration per krpm");
  });
  it("sums a counter map", () => {
    expect(sumCounts({ outbox_full: 3, oversized: 2 })).toBe(5);
    expect(sumCounts({})).toBe(0);
  });
});

describe("ticketTitle", () => {
  it("drops the opening risk an older engine wrote into the title", () => {
    expect(ticketTitle("Bearing wear 74% on Pump 03")).toBe("Bearing wear on Pump 03");
    expect(ticketTitle("Bearing wear on Pump 03")).toBe("Bearing wear on Pump 03");
    expect(ticketTitle("Check 50% of the belts on Line 2")).toBe("Check 50% of the belts on Line 2");
  });
});
