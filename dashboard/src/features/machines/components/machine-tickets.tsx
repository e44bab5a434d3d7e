// A machine's tickets, newest first, each with the reason it was opened.
import { Link } from "react-router";

import { PriorityBadge, StatusBadge } from "@/components/badges";
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { TicketReason } from "@/components/ticket-reason";
import { paths } from "@/config/paths";
import { formatAge } from "@/lib/format";

import { useMachineTickets } from "../api/get-machine-tickets";

/** How many features a ticket lists on the machine page. */
const REASON_FEATURES = 6;

export function MachineTickets({ machineId }: { machineId: string }) {
  const tickets = useMachineTickets(machineId);
  if (tickets.isPending) return <Loading what="tickets" />;
  if (tickets.isError && !tickets.data)
    return <ErrorBanner error={tickets.error} title="Could not load tickets" />;
  if (tickets.data.length === 0) return <Empty>No tickets for this machine.</Empty>;
  return (
    <ul className="ticket-list">
      {tickets.data.map((t) => (
        <li key={t.id} className="card ticket-list__item" data-testid="machine-ticket" data-ticket-id={t.id}>
          <div className="ticket-list__head">
            <strong>{t.title}</strong>
            <span className="badges">
              <PriorityBadge priority={t.priority} />
              <StatusBadge status={t.status} />
            </span>
          </div>
          <p className="muted small">
            Opened {formatAge(t.created_at)}
            {t.resolved_at ? ` · resolved ${formatAge(t.resolved_at)}` : ""} ·{" "}
            <Link to={paths.tickets.href()}>ticket board</Link>
          </p>
          <TicketReason reason={t.reason} featureCount={REASON_FEATURES} />
        </li>
      ))}
    </ul>
  );
}
