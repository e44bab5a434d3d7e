// GET /api/machines/{id}: one machine with its latest reading, prediction and open-ticket count.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { pollInterval } from "@/lib/live-status";
import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Machine } from "@/types/api";

export function getMachine(machineId: string, signal?: AbortSignal): Promise<Machine> {
  return api.get<Machine>(`/machines/${encodeURIComponent(machineId)}`, undefined, signal);
}

export function getMachineQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: queryKeys.machine(machineId),
    queryFn: ({ signal }) => getMachine(machineId, signal),
    refetchInterval: pollInterval,
  });
}

export function useMachine(machineId: string) {
  return useQuery(getMachineQueryOptions(machineId));
}
