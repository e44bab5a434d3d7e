// GET /api/tickets?machine_id=…: one machine's tickets, newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { Ticket } from "@/types/api";

/** Enough history for a detail page; the ticket board has the rest. */
const MACHINE_TICKET_LIMIT = 20;

export function getMachineTickets(machineId: string, signal?: AbortSignal): Promise<Ticket[]> {
  return api.get<Ticket[]>("/tickets", { machine_id: machineId, limit: MACHINE_TICKET_LIMIT }, signal);
}

export function getMachineTicketsQueryOptions(machineId: string) {
  return queryOptions({
    // Under "tickets" so that changing a ticket on the board refreshes this list too.
    queryKey: ["tickets", { machineId }],
    queryFn: ({ signal }) => getMachineTickets(machineId, signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function useMachineTickets(machineId: string) {
  return useQuery(getMachineTicketsQueryOptions(machineId));
}
