// The UI's view of the API's permission rules for tickets.
import { describe, expect, it } from "vitest";

import type { Ticket, User } from "@/types/api";

import { canAssign, canTake, canWorkOn } from "./permissions";

function user(id: string, role: User["role"]): User {
  return { id, role, email: `${id}@x`, full_name: id, location: null, is_active: true, created_at: "" };
}

function ticket(technician_id: string | null, status: Ticket["status"] = "OPEN"): Ticket {
  return {
    id: "t1",
    machine_id: "m1",
    machine_name: "Pump",
    title: "Risk",
    status,
    priority: "HIGH",
    kind: "PREDICTIVE",
    technician_id,
    technician_name: null,
    created_at: "",
    updated_at: "",
    resolved_at: null,
    reason: null,
    fault: "failure_risk",
    outcome: null,
    root_cause: null,
    found_fault: null,
  };
}

const tech = user("tech", "technician");
const engineer = user("eng", "engineer");
const admin = user("adm", "admin");

describe("ticket permissions", () => {
  it("lets engineers and admins work on and assign any ticket", () => {
    for (const u of [engineer, admin]) {
      expect(canWorkOn(u, ticket(null))).toBe(true);
      expect(canWorkOn(u, ticket("someone"))).toBe(true);
      expect(canAssign(u)).toBe(true);
      expect(canTake(u, ticket(null))).toBe(false);
    }
  });

  it("lets a technician work only on tickets assigned to them, and never reassign", () => {
    expect(canWorkOn(tech, ticket("tech"))).toBe(true);
    expect(canWorkOn(tech, ticket("other"))).toBe(false);
    expect(canWorkOn(tech, ticket(null))).toBe(false);
    expect(canAssign(tech)).toBe(false);
  });

  it("lets a technician take an unassigned open ticket, not someone else's or a resolved one", () => {
    expect(canTake(tech, ticket(null))).toBe(true);
    expect(canTake(tech, ticket("other"))).toBe(false);
    expect(canTake(tech, ticket(null, "RESOLVED"))).toBe(false);
  });
});
