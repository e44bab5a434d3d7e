// GET /api/gateways: every gateway with its last status report.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import type { Gateway } from "@/types/api";

export function getGateways(signal?: AbortSignal): Promise<Gateway[]> {
  return api.get<Gateway[]>("/gateways", undefined, signal);
}

export function getGatewaysQueryOptions() {
  return queryOptions({
    queryKey: ["gateways"],
    queryFn: ({ signal }) => getGateways(signal),
    refetchInterval: env.pollIntervalMs,
  });
}

export function useGateways() {
  return useQuery(getGatewaysQueryOptions());
}
