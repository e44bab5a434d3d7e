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

/** While a resolved ticket waits for its machine to be back to normal, its aftercare is re-read this often:
 * the recovery is a new prediction, which changes no ticket, so the live stream does not announce it. */
export const AFTERCARE_POLL_MS = 5_000;

/** Whether the ticket is resolved and its machine not yet back to normal. */
export function awaitsRecovery(ticket: Ticket | undefined): boolean {
  return ticket?.status === "RESOLVED" && !!ticket.aftercare && ticket.aftercare.back_to_normal_at === null;
}

/**
 * A resolved ticket's aftercare (repair sent, back to normal), read from GET /api/tickets/{id} under its own
 * key: the live stream replaces the ticket's cached copy with the list view, which carries no aftercare.
 */
export function useTicketAftercare(ticketId: string, resolved: boolean) {
  return useQuery(
    queryOptions({
      queryKey: [...queryKeys.ticket(ticketId), "aftercare"] as const,
      queryFn: ({ signal }) => getTicket(ticketId, signal),
      enabled: resolved,
      select: (ticket) => ticket.aftercare ?? null,
      refetchInterval: (query) => (awaitsRecovery(query.state.data) ? AFTERCARE_POLL_MS : false),
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
