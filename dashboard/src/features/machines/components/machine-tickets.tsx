// A machine's tickets, newest first, each with the reason it was opened.
import { Link } from "react-router";

import { PriorityBadge, StatusBadge } from "@/components/badges";
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { TicketOutcome } from "@/components/ticket-outcome";
import { TicketReason } from "@/components/ticket-reason";
import { paths } from "@/config/paths";
import { formatAge, ticketTitle } from "@/lib/format";

import { useMachineTickets } from "../api/get-machine-tickets";

/** How many features a ticket lists on the machine page. */
const REASON_FEATURES = 6;

export function MachineTickets({ machineId }: { machineId: string }) {
  const tickets = useMachineTickets(machineId);
  if (tickets.isPending) return <Loading what="tickets" />;
  if (tickets.isError && !tickets.data)
    return <ErrorBanner error={tickets.error} title="Could not load tickets" />;
  if (tickets.data.items.length === 0) return <Empty>No tickets for this machine.</Empty>;
  return (
    <ul className="ticket-list">
      {tickets.data.items.map((t) => (
        <li key={t.id} className="card ticket-list__item" data-testid="machine-ticket" data-ticket-id={t.id}>
          <div className="ticket-list__head">
            <Link to={paths.ticket.href(t.id)}>
              <strong>{ticketTitle(t.title)}</strong>
            </Link>
            <span className="badges">
              <PriorityBadge priority={t.priority} />
              <StatusBadge status={t.status} />
            </span>
          </div>
          <p className="muted small">
            Opened {formatAge(t.created_at)}
            {t.resolved_at ? ` · resolved ${formatAge(t.resolved_at)}` : ""}
            {t.technician_name ? ` · ${t.technician_name}` : ""}
          </p>
          <TicketOutcome ticket={t} />
          <TicketReason reason={t.reason} featureCount={REASON_FEATURES} />
        </li>
      ))}
    </ul>
  );
}
