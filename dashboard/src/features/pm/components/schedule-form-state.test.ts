import { describe, expect, it } from "vitest";

import type { PmSchedule } from "@/types/api";

import { EMPTY_FORM, fromSchedule, ruleSummary, scheduleProblems, toScheduleIn } from "./schedule-form-state";

const filled = {
  ...EMPTY_FORM,
  name: " Bearing service ",
  machineId: "m-1",
  checklist: [" Grease ", "", "Belt"],
};

describe("scheduleProblems", () => {
  it("accepts a complete form and names each missing or wrong field", () => {
    expect(scheduleProblems(filled)).toEqual({});
    const problems = scheduleProblems({ ...EMPTY_FORM, every: "0", leadDays: "-1", riskThreshold: "1.5" });
    expect(Object.keys(problems).sort()).toEqual(["every", "leadDays", "machineId", "name", "riskThreshold"]);
  });

  it("checks weeks against the API's longest interval and a month day from 1 to 31", () => {
    expect(scheduleProblems({ ...filled, every: "600", unit: "weeks" }).every).toMatch(/3660 days/);
    expect(scheduleProblems({ ...filled, every: "500", unit: "weeks" }).every).toBeUndefined();
    expect(scheduleProblems({ ...filled, ruleKind: "day_of_month", day: "32" }).day).toBeDefined();
    expect(scheduleProblems({ ...filled, ruleKind: "running_hours", threshold: "" }).threshold).toBeDefined();
    expect(scheduleProblems({ ...filled, ruleKind: "counter", threshold: "" })).toEqual({});
  });
});

describe("toScheduleIn", () => {
  it("sends one target, the rule of the chosen kind and a trimmed checklist without blanks", () => {
    expect(toScheduleIn(filled)).toEqual({
      name: "Bearing service",
      machine_id: "m-1",
      machine_type: null,
      rule: { kind: "every", every: 30, unit: "days" },
      lead_days: 3,
      max_pull_forward_days: 0,
      risk_threshold: null,
      priority: "LOW",
      checklist: ["Grease", "Belt"],
      active: true,
    });
    const meter = toScheduleIn({
      ...filled,
      target: "type",
      machineType: "pump",
      ruleKind: "running_hours",
      every: "500",
      threshold: "50",
      riskThreshold: "0.8",
    });
    expect(meter.machine_id).toBeNull();
    expect(meter.machine_type).toBe("pump");
    expect(meter.rule).toEqual({ kind: "running_hours", every: 500, signal: "rpm", threshold: 50 });
    expect(meter.risk_threshold).toBe(0.8);
  });

  it("round-trips a stored schedule through the edit form", () => {
    const body = toScheduleIn({ ...filled, ruleKind: "day_of_month", day: "31", maxPullForwardDays: "7" });
    const stored: PmSchedule = {
      ...body,
      id: "s",
      created_at: "",
      updated_at: "",
      next_due_at: null,
      pulled_forward: false,
      machines: [],
    };
    expect(toScheduleIn(fromSchedule(stored))).toEqual(body);
  });
});

describe("ruleSummary", () => {
  it("says each rule in words", () => {
    expect(ruleSummary({ kind: "every", every: 1, unit: "weeks" })).toBe("every 1 week");
    expect(ruleSummary({ kind: "every", every: 14, unit: "days" })).toBe("every 14 days");
    expect(ruleSummary({ kind: "day_of_month", day: 31 })).toBe("on day 31 of each month (or its last day)");
    expect(ruleSummary({ kind: "running_hours", every: 500, signal: "rpm", threshold: 100 })).toBe(
      "every 500 running hours (rpm > 100)",
    );
  });
});
