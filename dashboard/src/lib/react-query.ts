// One QueryClient for the app, with defaults that suit a live, polling dashboard.
import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "@/lib/api-client";

/** Retrying a 4xx cannot help; server errors and lost connections get a couple more tries. */
const MAX_RETRIES = 2;

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Data are polled; a refetch on focus on top of that only adds load.
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < MAX_RETRIES;
        },
      },
      mutations: { retry: false },
    },
  });
}
