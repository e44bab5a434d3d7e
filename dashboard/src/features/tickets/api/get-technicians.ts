// GET /api/users?role=technician&active=true: the people a ticket can be assigned to.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { User } from "@/types/api";

/** The roster changes rarely; a minute-old list is fine for a picker. */
const TECHNICIANS_STALE_MS = 60_000;

export function getTechnicians(signal?: AbortSignal): Promise<User[]> {
  return api.get<User[]>("/users", { role: "technician", active: true }, signal);
}

export function useTechnicians(enabled: boolean) {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.technicians(),
      queryFn: ({ signal }) => getTechnicians(signal),
      staleTime: TECHNICIANS_STALE_MS,
      enabled,
    }),
  );
}
