// One ticket on the board: what, where, how urgent, how old, why — and the button for its next step.
import { Link } from "react-router";

import { PriorityBadge } from "@/components/badges";
import { ErrorBanner } from "@/components/feedback";
import { TicketReason } from "@/components/ticket-reason";
import { paths } from "@/config/paths";
import { formatAge } from "@/lib/format";
import type { Ticket } from "@/types/api";

import { nextStatus, useUpdateTicket } from "../api/update-ticket";

/** Features listed on a board card; the machine page lists more. */
const CARD_FEATURES = 3;

const ACTION_LABELS = { IN_PROGRESS: "Start work", RESOLVED: "Resolve" } as const;

export function TicketCard({ ticket }: { ticket: Ticket }) {
  const update = useUpdateTicket(ticket.id);
  const next = nextStatus(ticket.status);
  return (
    <article
      className={`card ticket-card ticket-card--${ticket.priority.toLowerCase()}`}
      data-testid="ticket-card"
      data-ticket-id={ticket.id}
      data-status={ticket.status}
    >
      <header className="ticket-card__head">
        <h3 className="ticket-card__title">{ticket.title}</h3>
        <PriorityBadge priority={ticket.priority} />
      </header>
      <p className="small muted">
        <Link to={paths.machine.href(ticket.machine_id)}>{ticket.machine_name}</Link> · opened{" "}
        <time dateTime={ticket.created_at}>{formatAge(ticket.created_at)}</time>
        {ticket.resolved_at ? ` · resolved ${formatAge(ticket.resolved_at)}` : ""}
      </p>
      <TicketReason reason={ticket.reason} featureCount={CARD_FEATURES} />
      {update.isError && <ErrorBanner error={update.error} title="Could not move the ticket" />}
      {next && (
        <button
          type="button"
          className={`button ${next === "RESOLVED" ? "button--success" : "button--primary"}`}
          data-testid="advance-ticket"
          disabled={update.isPending}
          onClick={() => update.mutate({ status: next })}
        >
          {update.isPending ? "Saving…" : ACTION_LABELS[next]}
        </button>
      )}
    </article>
  );
}
