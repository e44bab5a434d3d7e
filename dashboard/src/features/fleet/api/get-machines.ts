// GET /api/machines: every machine with its latest reading, prediction and open-ticket count.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { pollInterval } from "@/lib/live-status";
import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Machine } from "@/types/api";

export function getMachines(signal?: AbortSignal): Promise<Machine[]> {
  return api.get<Machine[]>("/machines", undefined, signal);
}

export function getMachinesQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.machines(),
    queryFn: ({ signal }) => getMachines(signal),
    refetchInterval: pollInterval,
  });
}

export function useMachines() {
  return useQuery(getMachinesQueryOptions());
}
