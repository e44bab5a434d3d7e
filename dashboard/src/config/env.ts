// Runtime settings from Vite's environment, checked once at start-up so a bad value fails loudly.

/** Poll intervals outside this range are a typo: faster hammers the API, slower is not "live". */
const MIN_POLL_MS = 500;
const MAX_POLL_MS = 60_000;
const DEFAULT_POLL_MS = 3_000;

export interface Env {
  /** Prefix of every API path; the API serves the dashboard, so same-origin "/api" by default. */
  apiUrl: string;
  /** How often live views (fleet, charts, tickets) refresh. */
  pollIntervalMs: number;
}

/** Parse and check the raw environment; throws an Error naming the bad variable. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const apiUrl = (raw.VITE_API_URL ?? "/api").replace(/\/+$/, "");
  if (!apiUrl.startsWith("/") && !/^https?:\/\//.test(apiUrl)) {
    throw new Error(`VITE_API_URL must be a path or an http(s) URL, got "${apiUrl}"`);
  }
  const pollRaw = raw.VITE_POLL_INTERVAL_MS;
  const pollIntervalMs = pollRaw === undefined || pollRaw === "" ? DEFAULT_POLL_MS : Number(pollRaw);
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < MIN_POLL_MS || pollIntervalMs > MAX_POLL_MS) {
    throw new Error(
      `VITE_POLL_INTERVAL_MS must be an integer from ${MIN_POLL_MS} to ${MAX_POLL_MS}, got "${pollRaw}"`,
    );
  }
  return { apiUrl, pollIntervalMs };
}

export const env: Env = parseEnv(import.meta.env as Record<string, string | undefined>);
