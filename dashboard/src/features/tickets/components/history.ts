// One line of plain language per audit event, e.g. "moved from Open to In progress".
import { formatFault } from "@/lib/format";
import type { TicketEvent, TicketStatus } from "@/types/api";

const STATUS: Record<TicketStatus, string> = {
  OPEN: "Open",
  IN_PROGRESS: "In progress",
  RESOLVED: "Resolved",
};
const OUTCOME: Record<string, string> = {
  CONFIRMED_FAULT: "a confirmed fault",
  FALSE_ALARM: "a false alarm",
};

function text(value: unknown): string {
  return typeof value === "string"
    ? value
    : value === null || value === undefined
      ? ""
      : JSON.stringify(value);
}

function status(value: unknown): string {
  const s = text(value);
  return s in STATUS ? STATUS[s as TicketStatus] : s;
}

/** Who did it: the person's name, or the ticket engine for events without an actor. */
export function eventActor(event: TicketEvent): string {
  if (event.actor_id === null) return "Ticket engine";
  return event.actor_name ?? "Someone";
}

/** What happened, with user ids resolved through ``names`` where it knows them. */
export function describeEvent(event: TicketEvent, names: ReadonlyMap<string, string> = new Map()): string {
  const d = event.data;
  const person = (id: unknown) => (typeof id === "string" ? (names.get(id) ?? "a technician") : "nobody");
  switch (event.kind) {
    case "created":
      return `opened the ticket (${text(d.fault) || "fault"}, priority ${text(d.priority) || "?"})`;
    case "status":
      return `moved it from ${status(d.from)} to ${status(d.to)}`;
    case "assigned":
      return d.to === null || d.to === undefined ? "unassigned it" : `assigned it to ${person(d.to)}`;
    case "priority":
      return `changed the priority from ${text(d.from)} to ${text(d.to)}`;
    case "comment":
      return `commented: ${text(d.text)}`;
    case "outcome": {
      const cause = text(d.root_cause);
      const found = text(d.found_fault) ? ` (${formatFault(text(d.found_fault)).toLowerCase()})` : "";
      return `recorded ${OUTCOME[text(d.outcome)] ?? text(d.outcome)}${found}${cause ? ` — root cause: ${cause}` : ""}`;
    }
    case "repair_sent":
      return `sent the repair to gateway ${text(d.gateway_id)}${d.queued ? " (queued: broker link down)" : ""}`;
    default:
      return `${text(event.kind)} ${JSON.stringify(d)}`;
  }
}
