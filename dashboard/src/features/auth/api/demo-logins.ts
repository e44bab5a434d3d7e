// GET /api/auth/demo: in the demo, the logins and their shared password for the login page; elsewhere
// the API answers { demo: false } and the page shows nothing extra.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";

export interface DemoLogin {
  email: string;
  full_name: string;
  role: string;
}

export interface DemoInfo {
  demo: boolean;
  password: string | null;
  logins: DemoLogin[];
}

export function getDemoInfoQueryOptions() {
  return queryOptions({
    queryKey: ["auth", "demo"],
    queryFn: ({ signal }) => api.get<DemoInfo>("/auth/demo", undefined, signal),
    // Whether the API is the demo's does not change while it runs.
    staleTime: Infinity,
    retry: false,
  });
}

export function useDemoInfo() {
  return useQuery(getDemoInfoQueryOptions());
}
