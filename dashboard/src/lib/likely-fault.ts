// The one level at which the dashboard names a likely fault and counts a machine at risk: the ticket
// policy's enter threshold (the Models page's policy card explains it). The model names a failure mode
// from a lower level of its own; below the policy's level that name is a guess nobody acts on.
import { useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import { RISK_TICKET_THRESHOLD } from "@/lib/risk";
import type { Policy } from "@/types/api";

/** The slow-changing policy is re-read this often (it is also refetched when someone saves it). */
const POLICY_STALE_MS = 60_000;

/** The likely-fault level: the policy's enter threshold, or the engine's default until it is loaded. */
export function useLikelyFaultLevel(): number {
  const policy = useQuery({
    queryKey: queryKeys.policy(),
    queryFn: ({ signal }) => api.get<Policy>("/policy", undefined, signal),
    staleTime: POLICY_STALE_MS,
  });
  return policy.data?.enter_threshold ?? RISK_TICKET_THRESHOLD;
}

/** The fault to name for this risk: the model's mode at or above the level, nothing below it. */
export function likelyFault(
  risk: number | null | undefined,
  fault: string | null | undefined,
  level: number,
): string | null {
  return risk !== null && risk !== undefined && risk >= level && fault ? fault : null;
}
