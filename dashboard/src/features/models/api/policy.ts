// GET / PUT /api/policy: the ticket policy the engine applies; saving refetches it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Policy, PolicyKnob, PolicyValues } from "@/types/api";

// Shared with the likely-fault level (lib/likely-fault.ts): one fetch, and a saved policy updates both.
export const policyKeys = { all: queryKeys.policy };

export function usePolicy() {
  return useQuery({
    queryKey: policyKeys.all(),
    queryFn: ({ signal }) => api.get<Policy>("/policy", undefined, signal),
  });
}

/** The knobs' bounds as the server declares them: the form checks a value against these before saving. */
export function usePolicyKnobs() {
  return useQuery({
    queryKey: queryKeys.policyKnobs(),
    queryFn: ({ signal }) => api.get<PolicyKnob[]>("/policy/knobs", undefined, signal),
    staleTime: Infinity,
  });
}

export function useSavePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: PolicyValues) => api.put<Policy>("/policy", values),
    onSuccess: (policy) => queryClient.setQueryData(policyKeys.all(), policy),
  });
}
