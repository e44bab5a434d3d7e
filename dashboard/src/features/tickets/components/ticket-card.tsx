// One ticket on the board: what, where, how urgent, how old, who has it, why — and what can be done next.
import { Link } from "react-router";

import { PriorityBadge } from "@/components/badges";
import { TicketOutcome } from "@/components/ticket-outcome";
import { TicketReason } from "@/components/ticket-reason";
import { paths } from "@/config/paths";
import { formatAge, ticketTitle } from "@/lib/format";
import { canWorkOn } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { Ticket } from "@/types/api";

import { nextStatus } from "../api/update-ticket";
import { dragPayload, TICKET_DRAG_TYPE } from "./drag";
import { TicketActions } from "./ticket-actions";

/** Features listed on a board card; the ticket page lists all. */
const CARD_FEATURES = 3;

interface TicketCardProps {
  ticket: Ticket;
  resolveRequested?: boolean;
  onResolveClosed?: () => void;
}

export function TicketCard({ ticket, resolveRequested, onResolveClosed }: TicketCardProps) {
  const session = useSession();
  // Only a card its viewer may move, and that has a next step, can be dragged to the next column.
  const draggable = session !== null && canWorkOn(session.user, ticket) && nextStatus(ticket.status) !== null;
  return (
    <article
      className={`card ticket-card ticket-card--${ticket.priority.toLowerCase()}${draggable ? " ticket-card--draggable" : ""}`}
      data-testid="ticket-card"
      data-ticket-id={ticket.id}
      data-status={ticket.status}
      draggable={draggable}
      onDragStart={(e) => {
        e.dataTransfer.setData(TICKET_DRAG_TYPE, dragPayload(ticket));
        e.dataTransfer.effectAllowed = "move";
      }}
    >
      <header className="ticket-card__head">
        <h3 className="ticket-card__title">
          <Link to={paths.ticket.href(ticket.id)} data-testid="ticket-link">
            {ticketTitle(ticket.title)}
          </Link>
        </h3>
        <PriorityBadge priority={ticket.priority} />
      </header>
      <p className="small muted">
        <Link to={paths.machine.href(ticket.machine_id)}>{ticket.machine_name}</Link> · opened{" "}
        <time dateTime={ticket.created_at}>{formatAge(ticket.created_at)}</time>
        {ticket.resolved_at ? ` · resolved ${formatAge(ticket.resolved_at)}` : ""}
      </p>
      <TicketOutcome ticket={ticket} />
      {ticket.status !== "RESOLVED" && <TicketReason reason={ticket.reason} featureCount={CARD_FEATURES} />}
      <TicketActions
        ticket={ticket}
        {...(resolveRequested ? { resolveRequested } : {})}
        {...(onResolveClosed ? { onResolveClosed } : {})}
      />
    </article>
  );
}
