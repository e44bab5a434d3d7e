// Helpers every time-series chart shares: lines broken at gaps, 24-hour time labels in the user's locale,
// and event markers (ticket opened, resolved, machine stopped) drawn as labelled vertical lines.
import { useMemo } from "react";
import type uPlot from "uplot";

import { formatClock } from "@/lib/format";

/** A gap is this many times the usual spacing between points (a missed sample or two is not a gap). */
const GAP_FACTOR = 3;
/** …and never less than this, so a chart of 1 s samples does not break at every hiccup. */
const MIN_GAP_S = 10;

/** The spacing above which two neighbouring points are not joined: GAP_FACTOR × the median spacing. */
export function gapThreshold(column: ArrayLike<number>): number {
  const xs = Array.from(column);
  if (xs.length < 3) return Number.POSITIVE_INFINITY;
  const steps = xs
    .slice(1)
    .map((x, i) => x - (xs[i] ?? x))
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? 0;
  return Math.max(MIN_GAP_S, median * GAP_FACTOR);
}

/**
 * Aligned columns with a null point inserted in the middle of every gap wider than ``maxGap`` seconds,
 * so uPlot breaks each line there instead of drawing a straight line across missing data.
 */
export function breakAtGaps(
  data: uPlot.AlignedData,
  maxGap: number = gapThreshold(data[0]),
): uPlot.AlignedData {
  const xs = data[0];
  const out: (number | null | undefined)[][] = data.map(() => []);
  for (let i = 0; i < xs.length; i += 1) {
    const x = xs[i] as number;
    const prev = i > 0 ? (xs[i - 1] as number) : x;
    if (x - prev > maxGap) {
      (out[0] as number[]).push((prev + x) / 2);
      for (let s = 1; s < data.length; s += 1) out[s]?.push(null);
    }
    for (let s = 0; s < data.length; s += 1) out[s]?.push(data[s]?.[i]);
  }
  return out as uPlot.AlignedData;
}

/** Axis labels in 24-hour time of the user's locale; the date joins in once the range spans days. */
export function timeAxisValues(
  _u: uPlot,
  splits: number[],
  _axis: number,
  _space: number,
  incr: number,
): string[] {
  const SIX_HOURS_S = 6 * 3600;
  return splits.map((s) => {
    const date = new Date(s * 1000);
    if (incr < 60) return formatClock(date, "second");
    return formatClock(date, incr >= SIX_HOURS_S ? "day" : "minute");
  });
}

/** The cursor's time in the legend, 24-hour. */
export function legendTime(_u: uPlot, v: number | null): string {
  return v === null || v === undefined ? "—" : formatClock(new Date(v * 1000), "second");
}

export type MarkerKind = "opened" | "resolved" | "stopped";

export interface ChartMarker {
  /** Unix seconds. */
  ts: number;
  kind: MarkerKind;
  label: string;
}

const MARKER_COLORS: Record<MarkerKind, string> = {
  opened: "#db2777",
  resolved: "#15803d",
  stopped: "#1f2937",
};

/** The same array while the markers' content is the same, so a chart rebuilds only when a marker moves. */
export function useStableMarkers(markers: readonly ChartMarker[]): readonly ChartMarker[] {
  const key = JSON.stringify(markers);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is the content
  return useMemo(() => markers, [key]);
}

/** A uPlot draw hook that draws each marker inside the x range as a dashed vertical line with its label. */
export function markerHook(markers: readonly ChartMarker[]): (u: uPlot) => void {
  return (u: uPlot) => {
    const { left, top, width, height } = u.bbox;
    const ctx = u.ctx;
    const dpr = devicePixelRatio;
    ctx.save();
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = "left";
    // Neighbouring markers' labels alternate between two rows, so close events stay readable.
    [...markers]
      .sort((a, b) => a.ts - b.ts)
      .forEach((marker, i) => {
        const x = u.valToPos(marker.ts, "x", true);
        if (!(x >= left && x <= left + width)) return;
        ctx.strokeStyle = MARKER_COLORS[marker.kind];
        ctx.fillStyle = MARKER_COLORS[marker.kind];
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        const row = (i % 2) * 13 * dpr;
        ctx.fillText(marker.label, Math.min(x + 3 * dpr, left + width - 90 * dpr), top + 12 * dpr + row);
      });
    ctx.restore();
  };
}

/** Markers where a machine stopped: a reading below ``stoppedBelow`` rpm right after one at or above it. */
export function stopMarkers(
  xs: readonly number[],
  rpm: readonly (number | null | undefined)[],
  stoppedBelow: number,
): ChartMarker[] {
  const out: ChartMarker[] = [];
  let running: boolean | null = null;
  for (let i = 0; i < xs.length; i += 1) {
    const v = rpm[i];
    if (v === null || v === undefined) continue;
    const now = v >= stoppedBelow;
    if (running === true && !now) out.push({ ts: xs[i] as number, kind: "stopped", label: "stopped" });
    running = now;
  }
  return out;
}

/** Markers for a machine's tickets: opened, and resolved (when the repair was sent to the gateway). */
export function ticketMarkers(
  tickets: readonly { created_at: string; resolved_at: string | null; title: string }[],
): ChartMarker[] {
  return tickets.flatMap((t) => {
    const opened: ChartMarker = {
      ts: Date.parse(t.created_at) / 1000,
      kind: "opened",
      label: "ticket opened",
    };
    return t.resolved_at
      ? [opened, { ts: Date.parse(t.resolved_at) / 1000, kind: "resolved", label: "resolved · repair sent" }]
      : [opened];
  });
}
