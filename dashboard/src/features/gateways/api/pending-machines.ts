// GET /api/machines?pending=true and POST /api/machines/{id}/approve: machines gateways announced that
// an engineer has not yet confirmed as theirs.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import { queryKeys } from "@/lib/query-keys";
import type { Machine } from "@/types/api";

export function getPendingMachines(signal?: AbortSignal): Promise<Machine[]> {
  return api.get<Machine[]>("/machines", { pending: "true" }, signal);
}

export function getPendingMachinesQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.pendingMachines(),
    queryFn: ({ signal }) => getPendingMachines(signal),
    refetchInterval: pollInterval,
  });
}

export function usePendingMachines() {
  return useQuery(getPendingMachinesQueryOptions());
}

export function approveMachine(machineId: string): Promise<Machine> {
  return api.post<Machine>(`/machines/${encodeURIComponent(machineId)}/approve`, {});
}

export function useApproveMachine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: approveMachine,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.machines() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.gateways() }),
      ]),
  });
}
