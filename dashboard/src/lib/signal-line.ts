// A driving signal in the plant's words: "Vibration 7.30 mm/s — normal for pumps 2.10 ± 0.60 — rising
// 0.40 mm/s per hour"; and the time a ticket's model gives before the failure.
import { formatDuration, formatNumber } from "@/lib/format";
import type { SignalDriver } from "@/types/api";

/** Decimals per unit: temperatures to 0.1 °C, vibration to 0.01 mm/s, speed to whole rpm. */
const DIGITS: Record<string, number> = { "°C": 1, "mm/s": 2, rpm: 0 };

function plural(machineType: string): string {
  const words = machineType.replaceAll("_", " ");
  return words.endsWith("s") ? words : `${words}s`;
}

/** The parts of a signal's line: value, the type's normal, the trend (each null when unknown). */
export function describeSignal(
  line: SignalDriver,
  machineType: string | null | undefined,
): { value: string; normal: string | null; trend: string | null } {
  const digits = DIGITS[line.unit] ?? 2;
  const value = `${line.label} ${formatNumber(line.value, digits, line.unit)}`;
  const normal =
    line.normal_mean !== null && line.normal_std !== null
      ? `normal for ${machineType ? plural(machineType) : "this type"} ${formatNumber(line.normal_mean, digits)} ± ${formatNumber(line.normal_std, digits)}`
      : null;
  let trend: string | null = null;
  if (line.trend_per_hour !== null && Number.isFinite(line.trend_per_hour)) {
    const rate = Math.abs(line.trend_per_hour);
    const steady = rate < 10 ** -digits / 2;
    trend = steady
      ? "steady"
      : `${line.trend_per_hour > 0 ? "rising" : "falling"} ${formatNumber(rate, digits, line.unit)} per hour`;
  }
  return { value, normal, trend };
}

/** "about 21 h left" until ``expectedBy``; "due now" once passed; null when unknown. */
export function timeLeft(expectedBy: string | null | undefined, now: Date = new Date()): string | null {
  if (!expectedBy) return null;
  const left = (Date.parse(expectedBy) - now.getTime()) / 1000;
  if (Number.isNaN(left)) return null;
  if (left <= 0) return "due now";
  if (left >= 3600) return `about ${Math.floor(left / 3600)} h left`;
  return `about ${formatDuration(Math.round(left))} left`;
}
