// GET /api/gateways: every gateway with its last status report.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { pollInterval } from "@/lib/live-status";
import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Gateway } from "@/types/api";

export function getGateways(signal?: AbortSignal): Promise<Gateway[]> {
  return api.get<Gateway[]>("/gateways", undefined, signal);
}

export function getGatewaysQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.gateways(),
    queryFn: ({ signal }) => getGateways(signal),
    refetchInterval: pollInterval,
  });
}

export function useGateways() {
  return useQuery(getGatewaysQueryOptions());
}
