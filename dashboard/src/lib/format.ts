// Formatting of numbers, risks and times for display; pure functions so they are easy to test.

const DASH = "—";

/** A probability in [0, 1] as a whole percentage, e.g. 0.873 -> "87%". */
export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  return `${(value * 100).toFixed(digits)}%`;
}

/** A measurement with a fixed number of decimals and an optional unit, e.g. "71.3 °C". */
export function formatNumber(value: number | null | undefined, digits = 1, unit = ""): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const text = value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit ? `${text} ${unit}` : text;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago `iso` was, relative to `now`, e.g. "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "never";
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return DASH;
  const seconds = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (seconds < 10) return "just now";
  if (seconds < MINUTE) return `${seconds} s ago`;
  if (seconds < HOUR) return `${Math.floor(seconds / MINUTE)} min ago`;
  if (seconds < DAY) return `${Math.floor(seconds / HOUR)} h ago`;
  return `${Math.floor(seconds / DAY)} d ago`;
}

/** A failure mode's name as a person reads it, e.g. "bearing_wear" -> "Bearing wear" (the ticket titles'
 * wording); an empty string when there is none. */
export function formatFault(name: string | null | undefined): string {
  if (!name) return "";
  const words = formatFeatureName(name);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The failure modes today's models name (simulator/failures.py FAILURE_MODES): what a technician picks
 * from when recording the mode found. A mode not listed is recorded as "other" (not sent). */
export const KNOWN_FAULTS = ["bearing_wear", "cooling_fault", "imbalance"] as const;

/** The mode the outcome form proposes: the ticket's own when it is a known one, else none. */
export function proposedFault(ticketFault: string): string {
  return (KNOWN_FAULTS as readonly string[]).includes(ticketFault) ? ticketFault : "";
}

// One time format everywhere: the user's locale, always 24-hour (h23: never "24:05", never "PM").
const DAY_AND_TIME = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const DAY_AND_MINUTE = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const CLOCK_SECONDS = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** An RFC 3339 time as a short local date and 24-hour time, e.g. "Nov 26, 20:53:25" (in en-US). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return DASH;
  return DAY_AND_TIME.format(date);
}

/** A chart time, 24-hour: "20:53", "20:53:25" with seconds, or "Nov 26, 20:53" with the day. */
export function formatClock(date: Date, detail: "minute" | "second" | "day" = "minute"): string {
  if (detail === "second") return CLOCK_SECONDS.format(date);
  return detail === "day" ? DAY_AND_MINUTE.format(date) : CLOCK.format(date);
}

/** A lag in seconds, e.g. 0.42 -> "0.4 s", 75 -> "1 min 15 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < MINUTE) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / MINUTE);
  const rest = Math.round(seconds - minutes * MINUTE);
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** A ticket's title without the opening risk older engines wrote into it ("Bearing wear 74% on Pump 03" ->
 * "Bearing wear on Pump 03"): the live priority is the badge's, and a frozen percentage contradicts it. */
export function ticketTitle(title: string): string {
  return title.replace(/^(.+?) \d{1,3}% on (.+)$/su, "$1 on $2");
}

// A clock offset this small is the network's transit time, not a clock that is off.
const CLOCK_IN_SYNC_S = 2;

/** A gateway clock against the cloud's, e.g. -600 -> "10 min behind", 3.5 -> "3.5 s ahead". */
export function formatClockOffset(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (Math.abs(seconds) < CLOCK_IN_SYNC_S) return "in sync";
  const size = Math.abs(seconds);
  const span = size >= HOUR ? `${(size / HOUR).toFixed(1)} h` : formatDuration(size);
  return `${span} ${seconds < 0 ? "behind" : "ahead"}`;
}

/** "temperature_slope" -> "temperature slope". */
export function formatFeatureName(name: string): string {
  return name.replaceAll("_", " ");
}

/**
 * The features worth showing first in a ticket's reason: slopes (how fast a signal moved) before anything
 * else, each group ordered by magnitude. The rest are still shown in full where there is room.
 */
export function keyFeatures(features: Record<string, number> | null, count = 3): [string, number][] {
  if (!features) return [];
  const isSlope = (name: string) => name.endsWith("_slope");
  return Object.entries(features)
    .filter(([, value]) => Number.isFinite(value))
    .sort(([na, va], [nb, vb]) => {
      if (isSlope(na) !== isSlope(nb)) return isSlope(na) ? -1 : 1;
      return Math.abs(vb) - Math.abs(va);
    })
    .slice(0, count);
}

/** The sum of a counter map, e.g. a gateway's dropped readings by reason. */
export function sumCounts(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, n) => total + n, 0);
}
