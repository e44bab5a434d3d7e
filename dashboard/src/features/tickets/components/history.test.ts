// The audit trail reads as sentences.
import { describe, expect, it } from "vitest";

import type { TicketEvent } from "@/types/api";

import { describeEvent, eventActor } from "./history";

function ev(
  kind: TicketEvent["kind"],
  data: Record<string, unknown>,
  actor: string | null = "u1",
): TicketEvent {
  return { id: 1, ticket_id: "t", at: "", actor_id: actor, actor_name: actor ? "Eve" : null, kind, data };
}

describe("describeEvent", () => {
  it("names the engine for events it made", () => {
    const created = ev("created", { fault: "failure_risk", priority: "CRITICAL" }, null);
    expect(eventActor(created)).toBe("Ticket engine");
    expect(describeEvent(created)).toBe("opened the ticket (failure_risk, priority CRITICAL)");
  });

  it("describes moves, assignments, comments and outcomes", () => {
    expect(describeEvent(ev("status", { from: "OPEN", to: "IN_PROGRESS" }))).toBe(
      "moved it from Open to In progress",
    );
    expect(describeEvent(ev("assigned", { from: null, to: "t1" }), new Map([["t1", "Tess"]]))).toBe(
      "assigned it to Tess",
    );
    expect(describeEvent(ev("assigned", { from: "t1", to: null }))).toBe("unassigned it");
    expect(describeEvent(ev("comment", { text: "bearing is hot" }))).toBe("commented: bearing is hot");
    expect(describeEvent(ev("outcome", { outcome: "CONFIRMED_FAULT", root_cause: "worn bearing" }))).toBe(
      "recorded a confirmed fault — root cause: worn bearing",
    );
    expect(
      describeEvent(
        ev("outcome", { outcome: "CONFIRMED_FAULT", root_cause: "seized", found_fault: "bearing_wear" }),
      ),
    ).toBe("recorded a confirmed fault (bearing wear) — root cause: seized");
    expect(describeEvent(ev("outcome", { outcome: "FALSE_ALARM", root_cause: null }))).toBe(
      "recorded a false alarm",
    );
  });

  it("describes the lifecycle's reopen and cancel and the work done", () => {
    expect(describeEvent(ev("reopened", { from: "RESOLVED", to: "OPEN", reason: "noise is back" }))).toBe(
      "reopened it: noise is back",
    );
    expect(describeEvent(ev("cancelled", { reason: "duplicate" }))).toBe("cancelled it: duplicate");
    expect(describeEvent(ev("time", { minutes: 30, note: "swap" }))).toBe("logged 30 min: swap");
    expect(describeEvent(ev("part", { quantity: 2, sku: "6204", stock_left: 1 }))).toBe(
      "used 2 × 6204 (1 left)",
    );
    expect(describeEvent(ev("checklist", { item: "Grease", result: "NOT_APPLICABLE", note: null }))).toBe(
      'marked "Grease" not applicable',
    );
    expect(
      describeEvent(
        ev("pulled_forward", { to: "2027-01-20T00:00:00+00:00", prediction: { failure_prob: 0.93 } }, null),
      ),
    ).toBe("pulled the due date forward to 2027-01-20 (failure risk 93%)");
  });
});
