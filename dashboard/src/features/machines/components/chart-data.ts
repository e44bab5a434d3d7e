// Turn API series into uPlot's column layout: x in Unix seconds, one array per series, null for gaps.
import uPlot from "uplot";

import type { PredictionPoint, ReadingPoint } from "@/types/api";

export function toSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** [time, temperature, vibration, rpm] columns from reading points (oldest first). */
export function readingColumns(
  points: ReadingPoint[],
): [number[], (number | null)[], (number | null)[], (number | null)[]] {
  return [
    points.map((p) => toSeconds(p.ts)),
    points.map((p) => p.temperature),
    points.map((p) => p.vibration),
    points.map((p) => p.rpm),
  ];
}

/** [time, failure probability, anomaly score] columns from prediction points (oldest first). */
export function predictionColumns(points: PredictionPoint[]): [number[], number[], number[]] {
  return [
    points.map((p) => toSeconds(p.ts)),
    points.map((p) => p.failure_prob),
    points.map((p) => p.anomaly_score),
  ];
}

/** The x range of a series response, in seconds. */
export function windowSeconds(
  series: { start: string; end: string } | undefined,
): [number, number] | undefined {
  if (!series) return undefined;
  return [toSeconds(series.start), toSeconds(series.end)];
}

/**
 * One signal's columns with the failure risk joined on as a second series: [time, signal, risk] over the
 * union of both time axes. Readings and predictions come at different instants, so each series gets
 * `undefined` where only the other has a point (uPlot draws across those); the signal's own nulls stay gaps.
 */
export function overlayRisk(
  signal: [number[], (number | null)[]],
  risk: [number[], (number | null)[]],
): uPlot.AlignedData {
  if (risk[0].length === 0) return [signal[0], signal[1], signal[0].map(() => null)];
  return uPlot.join([signal, risk]);
}

export type Columns = uPlot.AlignedData;
