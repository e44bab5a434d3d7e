// When a resolved ticket's aftercare is re-read, and the window its chart asks the API for.
import { describe, expect, it } from "vitest";

import type { Ticket } from "@/types/api";

import { awaitsRecovery } from "./get-ticket";
import { ticketWindow } from "./get-ticket-readings";

const aftercare = {
  gateway_id: "gw-01",
  repair_sent_at: "2026-12-07T11:00:00Z",
  repair_queued: false,
  exit_threshold: 0.4,
  back_to_normal_at: null,
  back_to_normal_risk: null,
};

const ticket: Ticket = {
  id: "t",
  machine_id: "m",
  machine_name: "Pump 09",
  title: "Bearing wear on Pump 09",
  status: "RESOLVED",
  priority: "HIGH",
  kind: "PREDICTIVE",
  technician_id: null,
  technician_name: null,
  created_at: "2026-12-07T10:00:00Z",
  updated_at: "2026-12-07T11:00:00Z",
  resolved_at: "2026-12-07T11:00:00Z",
  reason: null,
  fault: "bearing_wear",
  outcome: "CONFIRMED_FAULT",
  root_cause: "worn bearing",
  found_fault: null,
  aftercare,
};

describe("awaitsRecovery", () => {
  it("is true for a resolved ticket until its machine is back to normal", () => {
    expect(awaitsRecovery(ticket)).toBe(true);
    const recovered = {
      ...ticket,
      aftercare: { ...aftercare, back_to_normal_at: "2026-12-07T11:02:00Z" },
    };
    expect(awaitsRecovery(recovered)).toBe(false);
    expect(awaitsRecovery({ ...ticket, status: "IN_PROGRESS", aftercare: null })).toBe(false);
    expect(awaitsRecovery(undefined)).toBe(false);
  });
});

describe("ticketWindow", () => {
  it("covers the half hour before the ticket to a quarter hour after its resolution", () => {
    expect(ticketWindow(ticket, new Date("2026-12-07T12:00:00Z"))).toEqual({
      start: "2026-12-07T09:30:00.000Z",
      end: "2026-12-07T11:15:00.000Z",
    });
  });

  it("ends now while the ticket is open", () => {
    const open = { ...ticket, status: "OPEN" as const, resolved_at: null };
    expect(ticketWindow(open, new Date("2026-12-07T10:20:00Z")).end).toBe("2026-12-07T10:20:00.000Z");
  });
});
