// The ticket board: three columns, OPEN, IN_PROGRESS and RESOLVED, each polled on its own.
import { ticketStatusLabel } from "@/components/badges";
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { TICKET_STATUSES, type TicketStatus } from "@/types/api";

import { useTickets } from "../api/get-tickets";
import { TicketCard } from "./ticket-card";

const EMPTY_TEXT: Record<TicketStatus, string> = {
  OPEN: "Nothing waiting. New tickets appear here when a machine's risk stays high.",
  IN_PROGRESS: "No work in progress.",
  RESOLVED: "No resolved tickets yet.",
};

function TicketColumn({ status }: { status: TicketStatus }) {
  const tickets = useTickets(status);
  const label = ticketStatusLabel(status);
  return (
    <section
      className={`column column--${status.toLowerCase()}`}
      data-testid={`ticket-column-${status}`}
      aria-label={label}
    >
      <h2 className="column__title">
        {label} <span className="count">{tickets.data?.length ?? "…"}</span>
      </h2>
      {tickets.isPending && <Loading what="tickets" />}
      {tickets.isError && <ErrorBanner error={tickets.error} title="Could not load tickets" />}
      {tickets.data?.length === 0 && <Empty>{EMPTY_TEXT[status]}</Empty>}
      {tickets.data?.map((t) => (
        <TicketCard key={t.id} ticket={t} />
      ))}
    </section>
  );
}

export function TicketBoard() {
  return (
    <div className="board">
      {TICKET_STATUSES.map((s) => (
        <TicketColumn key={s} status={s} />
      ))}
    </div>
  );
}
