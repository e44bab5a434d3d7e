// GET /api/tickets/{id} and its audit trail, GET /api/tickets/{id}/events (oldest first).
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import { queryKeys } from "@/lib/query-keys";
import type { Ticket, TicketEvent } from "@/types/api";

export function getTicket(ticketId: string, signal?: AbortSignal): Promise<Ticket> {
  return api.get<Ticket>(`/tickets/${encodeURIComponent(ticketId)}`, undefined, signal);
}

export function getTicketEvents(ticketId: string, signal?: AbortSignal): Promise<TicketEvent[]> {
  return api.get<TicketEvent[]>(`/tickets/${encodeURIComponent(ticketId)}/events`, undefined, signal);
}

export function useTicket(ticketId: string) {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.ticket(ticketId),
      queryFn: ({ signal }) => getTicket(ticketId, signal),
      refetchInterval: pollInterval,
    }),
  );
}

export function useTicketEvents(ticketId: string) {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.ticketEvents(ticketId),
      queryFn: ({ signal }) => getTicketEvents(ticketId, signal),
      refetchInterval: pollInterval,
    }),
  );
}
