// Risk levels, the at-risk rule and the riskiest-first order.
import { describe, expect, it } from "vitest";

import { compareByRisk, isAtRisk, RISK_TICKET_THRESHOLD, riskLevel } from "./risk";

describe("riskLevel", () => {
  it("maps probabilities to levels at the documented thresholds", () => {
    expect(riskLevel(0)).toBe("low");
    expect(riskLevel(0.39)).toBe("low");
    expect(riskLevel(0.4)).toBe("watch");
    expect(riskLevel(0.69)).toBe("watch");
    expect(riskLevel(RISK_TICKET_THRESHOLD)).toBe("high");
    expect(riskLevel(0.89)).toBe("high");
    expect(riskLevel(0.9)).toBe("critical");
    expect(riskLevel(1)).toBe("critical");
  });
  it("is unknown without a prediction", () => {
    expect(riskLevel(null)).toBe("unknown");
    expect(riskLevel(undefined)).toBe("unknown");
    expect(riskLevel(Number.NaN)).toBe("unknown");
  });
});

describe("isAtRisk", () => {
  it("is true from the ticket threshold up", () => {
    expect(isAtRisk(0.69)).toBe(false);
    expect(isAtRisk(0.7)).toBe(true);
    expect(isAtRisk(0.95)).toBe(true);
    expect(isAtRisk(null)).toBe(false);
  });
});

describe("compareByRisk", () => {
  it("sorts riskiest first, unknown last, ties by name", () => {
    const machines = [
      { name: "Pump 02", risk: 0.2 },
      { name: "Fan 01", risk: null },
      { name: "Press 01", risk: 0.91 },
      { name: "Pump 01", risk: 0.2 },
      { name: "Mill 01", risk: 0 },
    ];
    expect([...machines].sort(compareByRisk).map((m) => m.name)).toEqual([
      "Press 01",
      "Pump 01",
      "Pump 02",
      "Mill 01",
      "Fan 01",
    ]);
  });
});

describe("riskLevel with the policy's level", () => {
  it("starts High at the policy's enter threshold, not the default", () => {
    expect(riskLevel(0.65)).toBe("watch");
    expect(riskLevel(0.65, 0.6)).toBe("high");
    expect(riskLevel(0.75, 0.8)).toBe("watch");
  });
});
