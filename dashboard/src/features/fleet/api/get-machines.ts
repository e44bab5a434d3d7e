// GET /api/machines: every machine with its latest reading, prediction and open-ticket count.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { Machine } from "@/types/api";

export function getMachines(signal?: AbortSignal): Promise<Machine[]> {
  return api.get<Machine[]>("/machines", undefined, signal);
}

export function getMachinesQueryOptions() {
  return queryOptions({
    queryKey: ["machines"],
    queryFn: ({ signal }) => getMachines(signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function useMachines() {
  return useQuery(getMachinesQueryOptions());
}
