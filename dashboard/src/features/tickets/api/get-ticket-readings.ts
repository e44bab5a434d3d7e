// GET /api/machines/{id}/readings over a ticket's story: from before it opened to its resolution (or now).
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import type { ReadingSeries, Ticket } from "@/types/api";

/** How much of the run-up a ticket's chart shows before the ticket opened. */
export const RUN_UP_MS = 30 * 60 * 1000;
/** …and how long after its resolution, to show the recovery. */
const AFTER_MS = 15 * 60 * 1000;

export function ticketWindow(ticket: Ticket, now: Date = new Date()): { start: string; end: string } {
  const opened = Date.parse(ticket.created_at);
  const end = ticket.resolved_at
    ? Math.min(Date.parse(ticket.resolved_at) + AFTER_MS, now.getTime())
    : now.getTime();
  return { start: new Date(opened - RUN_UP_MS).toISOString(), end: new Date(end).toISOString() };
}

export function useTicketReadings(ticket: Ticket) {
  return useQuery(
    queryOptions({
      // Under the machine's readings, so the machine's live updates refresh it too.
      queryKey: ["machines", ticket.machine_id, "readings", "ticket", ticket.id, ticket.resolved_at] as const,
      queryFn: ({ signal }) =>
        api.get<ReadingSeries>(
          `/machines/${encodeURIComponent(ticket.machine_id)}/readings`,
          ticketWindow(ticket),
          signal,
        ),
      refetchInterval: pollInterval,
      placeholderData: (previous) => previous,
    }),
  );
}
