// Pure helpers of the Reliability page: the period the picker sends, how figures read, and the columns
// the charts draw. Kept free of React so vitest checks them directly.
import type { KpiFigures, KpiGroup, LeadTimeBucket, TicketKind } from "@/types/api";

export const TICKET_KINDS: readonly TicketKind[] = ["PREDICTIVE", "PREVENTIVE", "CORRECTIVE", "SENSOR"];
const DAY_MS = 86_400_000;
const HOURS_PER_DAY = 24;

/** A period as the picker holds it: whole UTC days, both ends included ("YYYY-MM-DD"). */
export interface DayRange {
  from: string;
  to: string;
}

/** The last ``days`` UTC days up to and including ``now``'s day. */
export function lastDays(days: number, now: Date = new Date()): DayRange {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

/** The API's half-open [start, end) for a day range: start of ``from`` to the start of the day after ``to``.
 * Returns an error message instead when a day is not a date or the range runs backwards. */
export function periodParams(range: DayRange): { start: string; end: string } | { error: string } {
  const start = Date.parse(`${range.from}T00:00:00Z`);
  const last = Date.parse(`${range.to}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(range.from) || Number.isNaN(start)) return { error: "Pick a start day." };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(range.to) || Number.isNaN(last)) return { error: "Pick an end day." };
  if (last < start) return { error: "The end day is before the start day." };
  return { start: new Date(start).toISOString(), end: new Date(last + DAY_MS).toISOString() };
}

/** A duration in hours as people say it: minutes under an hour, days from two days on; "—" for none. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return "—";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 2 * HOURS_PER_DAY) return `${Number(hours.toFixed(1))} h`;
  return `${Number((hours / HOURS_PER_DAY).toFixed(1))} d`;
}

/** A share as a whole percentage; "—" when undefined (nothing to divide). */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  return `${Math.round(share * 100)} %`;
}

/** The label of a lead-time bar, e.g. "<1 h", "12 h–1 d", "≥30 d". */
export function bucketLabel(bucket: LeadTimeBucket): string {
  const short = (h: number) => (h < HOURS_PER_DAY ? `${h} h` : `${h / HOURS_PER_DAY} d`);
  if (bucket.upper_hours === null) return `≥${short(bucket.lower_hours)}`;
  if (bucket.lower_hours === 0) return `<${short(bucket.upper_hours)}`;
  return `${short(bucket.lower_hours)}–${short(bucket.upper_hours)}`;
}

/** Tickets per kind (all outcomes together), in TICKET_KINDS order. */
export function countsByKind(figures: Pick<KpiFigures, "by_kind_outcome">): number[] {
  return TICKET_KINDS.map((kind) =>
    figures.by_kind_outcome.filter((c) => c.kind === kind).reduce((sum, c) => sum + c.count, 0),
  );
}

/** Running totals across series, for stacked bars: row i is series 0..i summed (uPlot does not stack). */
export function stack(series: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  series.forEach((values, i) => {
    out.push(values.map((v, j) => v + (i > 0 ? (out[i - 1]?.[j] ?? 0) : 0)));
  });
  return out;
}

/** The groups worth charting: the ``limit`` with most tickets, in their table order (a chart of 1,000
 * machines says nothing; the table lists them all). */
export function chartGroups(groups: readonly KpiGroup[], limit: number): KpiGroup[] {
  if (groups.length <= limit) return [...groups];
  const keep = new Set([...groups].sort((a, b) => b.tickets - a.tickets).slice(0, limit));
  return groups.filter((g) => keep.has(g));
}

/** The file name an export downloads as. */
export function exportFileName(dataset: string, range: DayRange): string {
  return `maintainx-${dataset}-${range.from}-to-${range.to}.csv`;
}
