// The ticket board: filters, then three columns (Open, In progress, Resolved), each a server-side query.
// A card moves on with its buttons, or by dragging it to the next column (Resolved asks for the outcome).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ticketStatusLabel } from "@/components/badges";
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { queryKeys, type TicketFilters } from "@/lib/query-keys";
import { useSession } from "@/lib/session";
import { TICKET_STATUSES, type TicketStatus } from "@/types/api";

import { useTickets } from "../api/get-tickets";
import { updateTicket } from "../api/update-ticket";
import { acceptDrop, TICKET_DRAG_TYPE } from "./drag";
import { TicketCard } from "./ticket-card";

type Filters = Omit<TicketFilters, "status">;

const EMPTY_TEXT: Record<TicketStatus, string> = {
  OPEN: "Nothing waiting. New tickets appear here when a machine's risk stays high.",
  IN_PROGRESS: "No work in progress.",
  RESOLVED: "No resolved tickets yet.",
};

interface ColumnProps {
  status: TicketStatus;
  filters: Filters;
  userId: string;
  resolveRequest: string | null;
  onDropTicket: (ticketId: string, column: TicketStatus) => void;
  onResolveClosed: () => void;
}

function TicketColumn({
  status,
  filters,
  userId,
  resolveRequest,
  onDropTicket,
  onResolveClosed,
}: ColumnProps) {
  const tickets = useTickets({ status, ...filters }, userId);
  const [dropping, setDropping] = useState(false);
  const label = ticketStatusLabel(status);
  const page = tickets.data;
  return (
    <section
      className={`column column--${status.toLowerCase()}${dropping ? " column--drop" : ""}`}
      data-testid={`ticket-column-${status}`}
      aria-label={label}
      onDragOver={(e) => {
        // The payload is unreadable until the drop; accept any ticket drag and check it then.
        if (!e.dataTransfer.types.includes(TICKET_DRAG_TYPE)) return;
        e.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDropping(false);
        const dropped = acceptDrop(e.dataTransfer.getData(TICKET_DRAG_TYPE), status);
        if (dropped) onDropTicket(dropped.id, status);
      }}
    >
      <h2 className="column__title">
        {label} <span className="count">{page ? page.total : "…"}</span>
      </h2>
      {tickets.isPending && <Loading what="tickets" />}
      {tickets.isError && <ErrorBanner error={tickets.error} title="Could not load tickets" />}
      {page?.items.length === 0 && <Empty>{EMPTY_TEXT[status]}</Empty>}
      {page?.items.map((t) => (
        <TicketCard
          key={t.id}
          ticket={t}
          resolveRequested={resolveRequest === t.id}
          onResolveClosed={onResolveClosed}
        />
      ))}
      {page && page.total > page.items.length && (
        <p className="small muted">
          Showing {page.items.length} of {page.total}; narrow the filters to see the rest.
        </p>
      )}
    </section>
  );
}

export function TicketBoard() {
  const session = useSession();
  // Technicians start on their own work; engineers on everything.
  const [filters, setFilters] = useState<Filters>(() =>
    session?.user.role === "technician" ? { assignee: "me" } : {},
  );
  const [resolveRequest, setResolveRequest] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: (ticketId: string) => updateTicket(ticketId, { status: "IN_PROGRESS" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.tickets() }),
  });
  if (!session) return null;
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const onDropTicket = (ticketId: string, column: TicketStatus) => {
    // Starting work needs nothing more; resolving needs the outcome, so the card opens its form.
    if (column === "IN_PROGRESS") start.mutate(ticketId);
    else if (column === "RESOLVED") setResolveRequest(ticketId);
  };
  return (
    <>
      <form className="filters" aria-label="Filter tickets" onSubmit={(e) => e.preventDefault()}>
        <label className="field field--inline">
          <span>Assigned</span>
          <select
            data-testid="filter-assignee"
            value={filters.assignee ?? ""}
            onChange={(e) => set({ assignee: (e.target.value || undefined) as Filters["assignee"] })}
          >
            <option value="">Anyone</option>
            <option value="me">To me</option>
            <option value="none">Nobody</option>
          </select>
        </label>
        <label className="field field--inline">
          <span>Priority</span>
          <select
            data-testid="filter-priority"
            value={filters.priority ?? ""}
            onChange={(e) => set({ priority: e.target.value || undefined })}
          >
            <option value="">Any</option>
            <option value="CRITICAL">Critical</option>
            <option value="HIGH">High</option>
            <option value="LOW">Low</option>
          </select>
        </label>
      </form>
      {start.isError && <ErrorBanner error={start.error} title="Could not start work on the ticket" />}
      <div className="board">
        {TICKET_STATUSES.map((s) => (
          <TicketColumn
            key={s}
            status={s}
            filters={filters}
            userId={session.user.id}
            resolveRequest={resolveRequest}
            onDropTicket={onDropTicket}
            onResolveClosed={() => setResolveRequest(null)}
          />
        ))}
      </div>
    </>
  );
}
