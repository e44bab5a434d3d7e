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
  MISSED: "a failure no prediction warned of",
  COMPLETED: "the preventive work as done",
};
const CHECK: Record<string, string> = {
  DONE: "done",
  NOT_DONE: "not done",
  NOT_APPLICABLE: "not applicable",
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
    case "reopened":
      return `reopened it: ${text(d.reason)}`;
    case "cancelled":
      return `cancelled it: ${text(d.reason)}`;
    case "pulled_forward": {
      const p = (d.prediction ?? {}) as Record<string, unknown>;
      const risk =
        typeof p.failure_prob === "number" ? ` (failure risk ${Math.round(p.failure_prob * 100)}%)` : "";
      return `pulled the due date forward to ${text(d.to).slice(0, 10)}${risk}`;
    }
    case "time":
      return `logged ${text(d.minutes)} min${text(d.note) ? `: ${text(d.note)}` : ""}`;
    case "part":
      return `used ${text(d.quantity)} × ${text(d.sku)} (${text(d.stock_left)} left)`;
    case "checklist":
      return `marked "${text(d.item)}" ${CHECK[text(d.result)] ?? "unanswered"}${text(d.note) ? ` (${text(d.note)})` : ""}`;
    case "attachment":
      return `attached ${text(d.filename)}`;
    case "repair_sent":
      return `sent the repair to gateway ${text(d.gateway_id)}${d.queued ? " (queued: broker link down)" : ""}`;
    default:
      return `${text(event.kind)} ${JSON.stringify(d)}`;
  }
}
