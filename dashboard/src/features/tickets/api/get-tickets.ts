// GET /api/tickets: one page of tickets matching the board's filters, newest first (or most urgent).
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, type QueryParams } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import { queryKeys, type TicketFilters } from "@/lib/query-keys";
import type { TicketPage } from "@/types/api";

/** The API's maximum page; a column shows this many tickets at most (and says how many there are). */
export const TICKETS_PER_COLUMN = 200;

/** The query parameters for ``filters``; ``userId`` resolves "assigned to me". */
export function ticketParams(filters: TicketFilters, userId: string): QueryParams {
  return {
    status: filters.status,
    priority: filters.priority,
    fault: filters.fault,
    technician_id: filters.assignee === "me" ? userId : undefined,
    assigned: filters.assignee === "none" ? false : undefined,
    // Open work is ranked by urgency; resolved tickets by when they last changed.
    sort: filters.status === "RESOLVED" ? "-updated_at" : "-priority",
    limit: TICKETS_PER_COLUMN,
  };
}

export function getTickets(
  filters: TicketFilters,
  userId: string,
  signal?: AbortSignal,
): Promise<TicketPage> {
  return api.get<TicketPage>("/tickets", ticketParams(filters, userId), signal);
}

export function getTicketsQueryOptions(filters: TicketFilters, userId: string) {
  return queryOptions({
    queryKey: queryKeys.ticketList(filters),
    queryFn: ({ signal }) => getTickets(filters, userId, signal),
    refetchInterval: pollInterval,
  });
}

export function useTickets(filters: TicketFilters, userId: string) {
  return useQuery(getTicketsQueryOptions(filters, userId));
}
