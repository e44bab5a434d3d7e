// The plant's sites and lines and the roster of people: read by several features (fleet filters, the
// Reliability page, notification rules, the People page), so the queries live here, once, with one cache.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Line, Site, User } from "@/types/api";

/** Sites and lines change rarely; half a minute old is fine for pickers and filters. */
const HIERARCHY_STALE_MS = 30_000;

export function getSites(signal?: AbortSignal): Promise<Site[]> {
  return api.get<Site[]>("/sites", undefined, signal);
}

export function getLines(signal?: AbortSignal): Promise<Line[]> {
  return api.get<Line[]>("/lines", undefined, signal);
}

export function useSites() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.sites(),
      queryFn: ({ signal }) => getSites(signal),
      staleTime: HIERARCHY_STALE_MS,
    }),
  );
}

export function useLines() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.lines(),
      queryFn: ({ signal }) => getLines(signal),
      staleTime: HIERARCHY_STALE_MS,
    }),
  );
}

/** The roster changes rarely. */
const ROSTER_STALE_MS = 30_000;

export function getUsers(signal?: AbortSignal): Promise<User[]> {
  return api.get<User[]>("/users", undefined, signal);
}

export function useUsers() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.users(),
      queryFn: ({ signal }) => getUsers(signal),
      staleTime: ROSTER_STALE_MS,
    }),
  );
}
