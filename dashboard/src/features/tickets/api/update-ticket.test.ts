// The ticket lifecycle as the board offers it, and what resolving needs.
import { describe, expect, it } from "vitest";

import { nextStatus, outcomeProblem, outcomesFor, reasonProblem, resolution } from "./update-ticket";
import { ticketParams } from "./get-tickets";

describe("nextStatus", () => {
  it("moves a ticket one step forward and no further", () => {
    expect(nextStatus("OPEN")).toBe("IN_PROGRESS");
    expect(nextStatus("IN_PROGRESS")).toBe("RESOLVED");
    expect(nextStatus("RESOLVED")).toBeNull();
  });
});

describe("resolving", () => {
  it("needs an outcome, and a root cause for a confirmed fault", () => {
    expect(outcomeProblem(null, "")).toMatch(/real fault or a false alarm/);
    expect(outcomeProblem("CONFIRMED_FAULT", "  ")).toMatch(/root cause/);
    expect(outcomeProblem("CONFIRMED_FAULT", "worn bearing")).toBeNull();
    expect(outcomeProblem("FALSE_ALARM", "")).toBeNull();
  });

  it("sends the outcome with the status, and a root cause only when there is one", () => {
    expect(resolution("CONFIRMED_FAULT", " worn bearing ")).toEqual({
      status: "RESOLVED",
      outcome: "CONFIRMED_FAULT",
      root_cause: "worn bearing",
    });
    expect(resolution("FALSE_ALARM", "")).toEqual({ status: "RESOLVED", outcome: "FALSE_ALARM" });
  });

  it("sends the failure mode found with a real fault only", () => {
    expect(resolution("CONFIRMED_FAULT", "seized", "bearing_wear")).toEqual({
      status: "RESOLVED",
      outcome: "CONFIRMED_FAULT",
      root_cause: "seized",
      found_fault: "bearing_wear",
    });
    expect(resolution("CONFIRMED_FAULT", "belt slipped", "")).not.toHaveProperty("found_fault");
    expect(resolution("FALSE_ALARM", "", "bearing_wear")).toEqual({
      status: "RESOLVED",
      outcome: "FALSE_ALARM",
    });
  });
});

describe("ticketParams", () => {
  it("turns the board's filters into the API's query", () => {
    expect(ticketParams({ status: "OPEN", assignee: "me", priority: "CRITICAL" }, "u1")).toMatchObject({
      status: "OPEN",
      technician_id: "u1",
      priority: "CRITICAL",
      sort: "-priority",
    });
    expect(ticketParams({ status: "OPEN", assignee: "none" }, "u1")).toMatchObject({ assigned: false });
    expect(ticketParams({ status: "RESOLVED" }, "u1")).toMatchObject({
      sort: "-updated_at",
      technician_id: undefined,
    });
  });
});

describe("outcomes by kind, reopen and cancel", () => {
  it("offers done for preventive work and missed for corrective work only", () => {
    expect(outcomesFor("PREVENTIVE")).toEqual(["COMPLETED", "CONFIRMED_FAULT"]);
    expect(outcomesFor("CORRECTIVE")).toContain("MISSED");
    expect(outcomesFor("PREDICTIVE")).not.toContain("MISSED");
    expect(outcomesFor("PREDICTIVE")).not.toContain("CANCELLED");
  });

  it("needs a reason to reopen or cancel", () => {
    expect(reasonProblem("  ")).toMatch(/why/);
    expect(reasonProblem("x".repeat(501))).toMatch(/500/);
    expect(reasonProblem("duplicate")).toBeNull();
  });
});
