// GET /api/tickets?machine_id=…: one machine's tickets, newest first.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import { queryKeys } from "@/lib/query-keys";
import type { TicketPage } from "@/types/api";

/** Enough history for a detail page; the ticket board has the rest. */
const MACHINE_TICKET_LIMIT = 20;

export function getMachineTickets(machineId: string, signal?: AbortSignal): Promise<TicketPage> {
  return api.get<TicketPage>(
    "/tickets",
    { machine_id: machineId, limit: MACHINE_TICKET_LIMIT, sort: "-created_at" },
    signal,
  );
}

export function getMachineTicketsQueryOptions(machineId: string) {
  return queryOptions({
    // Under "tickets" so that changing a ticket anywhere refreshes this list too.
    queryKey: queryKeys.machineTickets(machineId),
    queryFn: ({ signal }) => getMachineTickets(machineId, signal),
    refetchInterval: pollInterval,
  });
}

export function useMachineTickets(machineId: string) {
  return useQuery(getMachineTicketsQueryOptions(machineId));
}
