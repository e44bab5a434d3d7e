// GET / PUT /api/policy: the ticket policy the engine applies; saving refetches it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";

import type { Policy, PolicyValues } from "./policy-logic";

export const policyKeys = { all: () => ["policy"] as const };

export function usePolicy() {
  return useQuery({
    queryKey: policyKeys.all(),
    queryFn: ({ signal }) => api.get<Policy>("/policy", undefined, signal),
  });
}

export function useSavePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (values: PolicyValues) => api.put<Policy>("/policy", values),
    onSuccess: (policy) => queryClient.setQueryData(policyKeys.all(), policy),
  });
}
