// GET /api/tickets?status=…: the tickets in one lifecycle state, newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { Ticket, TicketStatus } from "@/types/api";

/** The API's maximum page; a column shows this many tickets at most. */
export const TICKETS_PER_COLUMN = 200;

export function getTickets(status: TicketStatus, signal?: AbortSignal): Promise<Ticket[]> {
  return api.get<Ticket[]>("/tickets", { status, limit: TICKETS_PER_COLUMN }, signal);
}

export function getTicketsQueryOptions(status: TicketStatus) {
  return queryOptions({
    queryKey: ["tickets", { status }],
    queryFn: ({ signal }) => getTickets(status, signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function useTickets(status: TicketStatus) {
  return useQuery(getTicketsQueryOptions(status));
}
