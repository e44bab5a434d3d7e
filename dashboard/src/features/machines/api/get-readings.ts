// GET /api/machines/{id}/readings: the machine's temperature, vibration and rpm over the chosen range.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import { queryKeys } from "@/lib/query-keys";
import type { ReadingSeries } from "@/types/api";

import { lastWindow } from "./time-window";

export function getReadings(
  machineId: string,
  rangeMs: number,
  signal?: AbortSignal,
): Promise<ReadingSeries> {
  // The window is taken at fetch time, so each refetch slides it forward.
  return api.get<ReadingSeries>(
    `/machines/${encodeURIComponent(machineId)}/readings`,
    lastWindow(rangeMs),
    signal,
  );
}

export function getReadingsQueryOptions(machineId: string, rangeMs: number) {
  return queryOptions({
    queryKey: queryKeys.readings(machineId, rangeMs),
    queryFn: ({ signal }) => getReadings(machineId, rangeMs, signal),
    refetchInterval: pollInterval,
    // Keep the old range on screen while the new one loads.
    placeholderData: (previous) => previous,
  });
}

export function useReadings(machineId: string, rangeMs: number) {
  return useQuery(getReadingsQueryOptions(machineId, rangeMs));
}
