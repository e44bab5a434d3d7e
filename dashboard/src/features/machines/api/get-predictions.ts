// GET /api/machines/{id}/predictions: the machine's failure risk and anomaly score over the chosen range.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import { queryKeys } from "@/lib/query-keys";
import type { PredictionSeries } from "@/types/api";

import { lastWindow } from "./time-window";

export function getPredictions(
  machineId: string,
  rangeMs: number,
  signal?: AbortSignal,
): Promise<PredictionSeries> {
  return api.get<PredictionSeries>(
    `/machines/${encodeURIComponent(machineId)}/predictions`,
    lastWindow(rangeMs),
    signal,
  );
}

export function getPredictionsQueryOptions(machineId: string, rangeMs: number) {
  return queryOptions({
    queryKey: queryKeys.predictions(machineId, rangeMs),
    queryFn: ({ signal }) => getPredictions(machineId, rangeMs, signal),
    refetchInterval: pollInterval,
    placeholderData: (previous) => previous,
  });
}

export function usePredictions(machineId: string, rangeMs: number) {
  return useQuery(getPredictionsQueryOptions(machineId, rangeMs));
}
