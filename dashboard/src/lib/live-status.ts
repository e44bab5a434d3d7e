// Whether the live stream is connected, and the poll interval that follows from it: with the stream up,
// queries only poll slowly as a safety net; without it they fall back to the normal poll.
import { env } from "@/config/env";

/** The safety-net poll while the stream delivers changes as they happen. */
export const LIVE_POLL_MS = 30_000;

export type LiveState = "connecting" | "live" | "offline";

type Listener = () => void;

let state: LiveState = "connecting";
const listeners = new Set<Listener>();

export function getLiveState(): LiveState {
  return state;
}

export function setLiveState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener();
}

export function subscribeLiveState(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The part of a TanStack query the interval looks at. */
interface QueryLike {
  state: { status: string };
}

/**
 * The refetch interval for live views, read by TanStack Query after every fetch: slow while the stream is
 * up, unless this query's last fetch failed (the stream cannot repair a list it only invalidates).
 */
export function pollInterval(query?: QueryLike): number {
  if (state === "live" && query?.state.status !== "error") return LIVE_POLL_MS;
  return env.pollIntervalMs;
}
