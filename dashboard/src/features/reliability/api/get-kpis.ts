// GET /api/kpis: the reliability figures of a period, in total and per group.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { type KpiParams, queryKeys } from "@/lib/query-keys";
import type { KpiReport } from "@/types/api";

export function getKpis(params: KpiParams, signal?: AbortSignal): Promise<KpiReport> {
  return api.get<KpiReport>("/kpis", { ...params }, signal);
}

export function getKpisQueryOptions(params: KpiParams) {
  return queryOptions({
    queryKey: queryKeys.kpis(params),
    queryFn: ({ signal }) => getKpis(params, signal),
    // Figures of a past period change only when tickets are resolved: no live polling, but keep the
    // previous figures on screen while a new period or grouping loads.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useKpis(params: KpiParams | null) {
  return useQuery({
    ...getKpisQueryOptions(params ?? { start: "", end: "", group_by: "machine" }),
    enabled: params !== null,
  });
}
