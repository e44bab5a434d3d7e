// What the signed-in person may do with a ticket, mirroring the API's rules (api_v2.md) so the UI only
// offers what will be accepted. The API still decides: a 403 is shown if the two ever disagree.
import type { Ticket, User } from "@/types/api";

/** Engineers and admins manage any ticket; technicians only their own. */
export function managesTickets(user: User): boolean {
  return user.role === "admin" || user.role === "engineer";
}

/** Move the ticket along its lifecycle, resolve it with an outcome, or comment on it. */
export function canWorkOn(user: User, ticket: Ticket): boolean {
  return managesTickets(user) || (user.role === "technician" && ticket.technician_id === user.id);
}

/** Pick any technician for a ticket (or none). */
export function canAssign(user: User): boolean {
  return managesTickets(user);
}

/** A technician may take an unassigned, unresolved ticket for themselves. */
export function canTake(user: User, ticket: Ticket): boolean {
  return user.role === "technician" && ticket.technician_id === null && ticket.status !== "RESOLVED";
}
