// How a resolved ticket ended: a confirmed fault (the mode found, its root cause), or a false alarm.
import { formatFault } from "@/lib/format";
import type { Ticket } from "@/types/api";

type Outcome = Pick<Ticket, "outcome" | "root_cause"> &
  Partial<Pick<Ticket, "found_fault" | "cancel_reason">>;

const LABELS: Record<NonNullable<Ticket["outcome"]>, string> = {
  CONFIRMED_FAULT: "Confirmed fault",
  FALSE_ALARM: "False alarm",
  MISSED: "Missed failure (no prediction warned)",
  COMPLETED: "Preventive work done",
  CANCELLED: "Cancelled",
};

export function TicketOutcome({ ticket }: { ticket: Outcome }) {
  if (!ticket.outcome) return null;
  const fault = ticket.outcome === "CONFIRMED_FAULT" || ticket.outcome === "MISSED";
  const found = fault && ticket.found_fault ? ` (${formatFault(ticket.found_fault)})` : "";
  const detail = ticket.outcome === "CANCELLED" ? ticket.cancel_reason : ticket.root_cause;
  return (
    <p className={`outcome outcome--${fault ? "fault" : "false-alarm"}`} data-testid="ticket-outcome">
      <strong>{`${LABELS[ticket.outcome]}${found}`}</strong>
      {detail ? `: ${detail}` : ""}
    </p>
  );
}
