// The registry API for the Models page: versions, aliases (promote), rollouts (list, detail, start,
// advance, roll back). Every change refetches the registry, so all views show the server's state.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { pollInterval } from "@/lib/live-status";
import type { ModelVersion, Rollout, RolloutPage, RolloutStart } from "@/types/api";

/** How many rollouts the page lists. */
export const ROLLOUT_PAGE = 20;

export const registryKeys = {
  all: () => ["registry"] as const,
  models: () => ["registry", "models"] as const,
  rollouts: () => ["registry", "rollouts"] as const,
  rollout: (id: string) => ["registry", "rollouts", id] as const,
};

export function useModels() {
  return useQuery(
    queryOptions({
      queryKey: registryKeys.models(),
      queryFn: ({ signal }) => api.get<ModelVersion[]>("/registry/models", undefined, signal),
    }),
  );
}

export function useRollouts() {
  return useQuery(
    queryOptions({
      queryKey: registryKeys.rollouts(),
      queryFn: ({ signal }) =>
        api.get<RolloutPage>("/registry/rollouts", { limit: ROLLOUT_PAGE, offset: 0 }, signal),
      // Gateways report rollout progress over MQTT, not the live stream: poll like the gateways page.
      refetchInterval: pollInterval,
    }),
  );
}

export function useRollout(id: string | null) {
  return useQuery({
    queryKey: registryKeys.rollout(id ?? ""),
    queryFn: ({ signal }) =>
      api.get<Rollout>(`/registry/rollouts/${encodeURIComponent(id ?? "")}`, undefined, signal),
    enabled: id !== null,
    refetchInterval: pollInterval,
  });
}

/** PUT /registry/aliases/{alias}. api-client offers no put(); its request type lacks "PUT" (see report). */
export function setAlias(alias: string, version: string): Promise<ModelVersion> {
  return api.put<ModelVersion>(`/registry/aliases/${encodeURIComponent(alias)}`, { version });
}

function useRegistryMutation<V, R>(mutationFn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // Success or a 409: either way show what the server now holds.
    onSettled: () => queryClient.invalidateQueries({ queryKey: registryKeys.all() }),
  });
}

export function useSetAlias() {
  return useRegistryMutation(({ alias, version }: { alias: string; version: string }) =>
    setAlias(alias, version),
  );
}

export function useStartRollout() {
  return useRegistryMutation((body: RolloutStart) => api.post<Rollout>("/registry/rollouts", body));
}

export function useAdvanceRollout() {
  return useRegistryMutation(({ id, force }: { id: string; force: boolean }) =>
    api.post<Rollout>(`/registry/rollouts/${encodeURIComponent(id)}/advance`, { force }),
  );
}

export function useRollbackRollout() {
  return useRegistryMutation(({ id, to }: { id: string; to?: string }) =>
    api.post<Rollout>(`/registry/rollouts/${encodeURIComponent(id)}/rollback`, to ? { to } : {}),
  );
}
