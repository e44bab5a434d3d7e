// The time range the machine charts show, picked by the user; the API chooses the resolution (it averages
// into buckets when a range holds more points than a chart can show).

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** The ranges on offer, shortest first. */
export const RANGES = [
  { label: "15 min", ms: 15 * MINUTE },
  { label: "1 h", ms: HOUR },
  { label: "6 h", ms: 6 * HOUR },
  { label: "24 h", ms: 24 * HOUR },
  { label: "7 d", ms: 7 * 24 * HOUR },
] as const;

/** What a machine page opens with: the last hour. */
export const DEFAULT_RANGE_MS = HOUR;

/**
 * The range a machine page opens with: the smallest preset that covers the data since ``firstDataIso``
 * (15 min for a machine that started sending ten minutes ago), never more than the default hour — a long
 * history opens at the last hour and the buttons reach further back.
 */
export function fittingRange(firstDataIso: string | null | undefined, now: Date = new Date()): number {
  const first = firstDataIso ? Date.parse(firstDataIso) : Number.NaN;
  if (Number.isNaN(first)) return DEFAULT_RANGE_MS;
  const span = now.getTime() - first;
  const fits = RANGES.find((r) => r.ms >= span);
  return Math.min(fits ? fits.ms : DEFAULT_RANGE_MS, DEFAULT_RANGE_MS);
}

/** The label of a range, e.g. "Last 6 h". */
export function rangeTitle(rangeMs: number): string {
  const range = RANGES.find((r) => r.ms === rangeMs);
  return `Last ${range ? range.label : `${Math.round(rangeMs / MINUTE)} min`}`;
}

/** The window of ``rangeMs`` ending now, as RFC 3339 strings for the API's start/end parameters. */
export function lastWindow(
  rangeMs: number = DEFAULT_RANGE_MS,
  now: Date = new Date(),
): { start: string; end: string } {
  return { start: new Date(now.getTime() - rangeMs).toISOString(), end: now.toISOString() };
}
