// GET /api/machines/{id}/readings: the machine's temperature, vibration and rpm over the last hour.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { ReadingSeries } from "@/types/api";

import { lastWindow } from "./time-window";

export function getReadings(machineId: string, signal?: AbortSignal): Promise<ReadingSeries> {
  // The window is taken at fetch time, so each poll slides it forward.
  return api.get<ReadingSeries>(`/machines/${encodeURIComponent(machineId)}/readings`, lastWindow(), signal);
}

export function getReadingsQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: ["machines", machineId, "readings"],
    queryFn: ({ signal }) => getReadings(machineId, signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function useReadings(machineId: string) {
  return useQuery(getReadingsQueryOptions(machineId));
}
