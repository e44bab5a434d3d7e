// The sliding time window the machine charts show.

/** The charts show the last hour, as the API's default range does. */
export const CHART_WINDOW_MS = 60 * 60 * 1000;

/** The window ending now, as RFC 3339 strings for the API's start/end parameters. */
export function lastWindow(now: Date = new Date()): { start: string; end: string } {
  return { start: new Date(now.getTime() - CHART_WINDOW_MS).toISOString(), end: now.toISOString() };
}
