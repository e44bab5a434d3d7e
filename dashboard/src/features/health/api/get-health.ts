// GET /api/health: is the database reachable, the broker connected, ingestion keeping up.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api, ApiError } from "@/lib/api-client";
import type { HealthSummary } from "@/types/api";

function isHealth(body: unknown): body is HealthSummary {
  return typeof body === "object" && body !== null && "status" in body;
}

export async function getHealth(signal?: AbortSignal): Promise<HealthSummary> {
  try {
    return await api.get<HealthSummary>("/health", undefined, signal);
  } catch (error) {
    // A 503 still carries the health report (the database is down); show it rather than a bare error.
    if (error instanceof ApiError && error.status === 503 && isHealth(error.body)) return error.body;
    throw error;
  }
}

export function getHealthQueryOptions() {
  return queryOptions({
    queryKey: ["health"],
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: env.pollIntervalMs,
    retry: false,
  });
}

export function useHealth() {
  return useQuery(getHealthQueryOptions());
}
