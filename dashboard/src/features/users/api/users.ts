// GET /api/users, GET /api/user-areas and PUT /api/users/{id}/areas: the roster and where each person
// works. Automatic assignment sends a new ticket to the technicians of its machine's line, then its site.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { UserAreas, UserAreasUpdate } from "@/types/api";

export { getUsers, useUsers } from "@/lib/directory";

/** Where people work changes rarely. */
const ROSTER_STALE_MS = 30_000;

export function getUserAreas(signal?: AbortSignal): Promise<UserAreas[]> {
  return api.get<UserAreas[]>("/user-areas", undefined, signal);
}

export function useUserAreas() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.userAreas(),
      queryFn: ({ signal }) => getUserAreas(signal),
      staleTime: ROSTER_STALE_MS,
    }),
  );
}

export function setUserAreas(userId: string, areas: UserAreasUpdate): Promise<UserAreas> {
  return api.put<UserAreas>(`/users/${encodeURIComponent(userId)}/areas`, areas);
}

export function useSetUserAreas() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, areas }: { userId: string; areas: UserAreasUpdate }) =>
      setUserAreas(userId, areas),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.userAreas() }),
  });
}
