// GET /api/machines/{id}/predictions: the machine's failure risk and anomaly score over the last hour.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { PredictionSeries } from "@/types/api";

import { lastWindow } from "./time-window";

export function getPredictions(machineId: string, signal?: AbortSignal): Promise<PredictionSeries> {
  return api.get<PredictionSeries>(
    `/machines/${encodeURIComponent(machineId)}/predictions`,
    lastWindow(),
    signal,
  );
}

export function getPredictionsQueryOptions(machineId: string) {
  return queryOptions({
    queryKey: ["machines", machineId, "predictions"],
    queryFn: ({ signal }) => getPredictions(machineId, signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function usePredictions(machineId: string) {
  return useQuery(getPredictionsQueryOptions(machineId));
}
