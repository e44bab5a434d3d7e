// How a resolved ticket ended: a confirmed fault with its root cause, or a false alarm.
import type { Ticket } from "@/types/api";

export function TicketOutcome({ ticket }: { ticket: Pick<Ticket, "outcome" | "root_cause"> }) {
  if (!ticket.outcome) return null;
  const fault = ticket.outcome === "CONFIRMED_FAULT";
  return (
    <p className={`outcome outcome--${fault ? "fault" : "false-alarm"}`} data-testid="ticket-outcome">
      <strong>{fault ? "Confirmed fault" : "False alarm"}</strong>
      {ticket.root_cause ? `: ${ticket.root_cause}` : ""}
    </p>
  );
}
