// How a resolved ticket ended: a confirmed fault (the mode found, its root cause), or a false alarm.
import { formatFault } from "@/lib/format";
import type { Ticket } from "@/types/api";

type Outcome = Pick<Ticket, "outcome" | "root_cause"> & Partial<Pick<Ticket, "found_fault">>;

export function TicketOutcome({ ticket }: { ticket: Outcome }) {
  if (!ticket.outcome) return null;
  const fault = ticket.outcome === "CONFIRMED_FAULT";
  const found = fault && ticket.found_fault ? ` (${formatFault(ticket.found_fault)})` : "";
  return (
    <p className={`outcome outcome--${fault ? "fault" : "false-alarm"}`} data-testid="ticket-outcome">
      <strong>{fault ? `Confirmed fault${found}` : "False alarm"}</strong>
      {ticket.root_cause ? `: ${ticket.root_cause}` : ""}
    </p>
  );
}
