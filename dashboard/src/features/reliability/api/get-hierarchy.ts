// GET /api/sites and /api/lines: the choices of the Reliability page's site and line filters.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Line, Site } from "@/types/api";

export function getSites(signal?: AbortSignal): Promise<Site[]> {
  return api.get<Site[]>("/sites", undefined, signal);
}

export function getLines(signal?: AbortSignal): Promise<Line[]> {
  return api.get<Line[]>("/lines", undefined, signal);
}

export function useSites() {
  return useQuery(queryOptions({ queryKey: queryKeys.sites(), queryFn: ({ signal }) => getSites(signal) }));
}

export function useLines() {
  return useQuery(queryOptions({ queryKey: queryKeys.lines(), queryFn: ({ signal }) => getLines(signal) }));
}
