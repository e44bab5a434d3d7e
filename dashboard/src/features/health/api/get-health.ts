// GET /api/health: is the database reachable, the broker connected, ingestion keeping up.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api, ApiError } from "@/lib/api-client";
import type { Health } from "@/types/api";

function isHealth(body: unknown): body is Health {
  return typeof body === "object" && body !== null && "status" in body && "database" in body;
}

export async function getHealth(signal?: AbortSignal): Promise<Health> {
  try {
    return await api.get<Health>("/health", undefined, signal);
  } catch (error) {
    // A 503 still carries the full health report (the database is down); show it rather than a bare error.
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
