// GET /api/machines/{id}: one machine with its latest reading, prediction and open-ticket count.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { Machine } from "@/types/api";

export function getMachine(machineId: string, signal?: AbortSignal): Promise<Machine> {
  return api.get<Machine>(`/machines/${encodeURIComponent(machineId)}`, undefined, signal);
}

export function getMachineQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: ["machines", machineId],
    queryFn: ({ signal }) => getMachine(machineId, signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function useMachine(machineId: string) {
  return useQuery(getMachineQueryOptions(machineId));
}
