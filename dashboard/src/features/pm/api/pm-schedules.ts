// GET/POST /api/pm-schedules, GET/PUT/DELETE /api/pm-schedules/{id}, and the machines a schedule may target.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Machine, PmSchedule, PmScheduleIn } from "@/types/api";

export function getSchedules(signal?: AbortSignal): Promise<PmSchedule[]> {
  return api.get<PmSchedule[]>("/pm-schedules", undefined, signal);
}

export function createSchedule(body: PmScheduleIn): Promise<PmSchedule> {
  return api.post<PmSchedule>("/pm-schedules", body);
}

export function replaceSchedule(id: string, body: PmScheduleIn): Promise<PmSchedule> {
  return api.put<PmSchedule>(`/pm-schedules/${encodeURIComponent(id)}`, body);
}

export async function deleteSchedule(id: string): Promise<void> {
  await api.delete<unknown>(`/pm-schedules/${encodeURIComponent(id)}`);
}

/** The machines a schedule can name (the fleet list, for the pickers). */
export function getTargetMachines(signal?: AbortSignal): Promise<Machine[]> {
  return api.get<Machine[]>("/machines", undefined, signal);
}

export function useSchedules() {
  return useQuery(
    queryOptions({ queryKey: queryKeys.pmSchedules(), queryFn: ({ signal }) => getSchedules(signal) }),
  );
}

export function useTargetMachines() {
  return useQuery(
    queryOptions({
      queryKey: [...queryKeys.machines(), "pm-targets"] as const,
      queryFn: ({ signal }) => getTargetMachines(signal),
    }),
  );
}

/** Save a schedule: create when ``id`` is null, replace otherwise. */
export function useSaveSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: PmScheduleIn }) =>
      id === null ? createSchedule(body) : replaceSchedule(id, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pmSchedules() }),
  });
}

export function useDeleteSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSchedule,
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.pmSchedules() }),
  });
}
