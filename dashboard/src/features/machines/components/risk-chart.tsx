// Failure risk and anomaly score over the chosen range, with the policy's ticket threshold drawn across,
// lines broken at gaps and the machine's events marked.
import { useMemo } from "react";
import type uPlot from "uplot";

import { breakAtGaps, type ChartMarker, markerHook } from "@/components/chart-helpers";
import { ErrorBanner, Loading } from "@/components/feedback";
import { UplotChart } from "@/components/uplot-chart";

import { usePredictions } from "../api/get-predictions";
import { predictionColumns, windowSeconds } from "./chart-data";
import {
  axis,
  CHART_HEIGHT,
  COLORS,
  percent,
  syncedCursor,
  TIME_SERIES,
  timeAxis,
  Y_AXIS_SIZE,
} from "./chart-theme";

/** Dash pattern of the threshold line, in CSS pixels. */
const THRESHOLD_DASH = [6, 4];

/** Draw the ticket threshold as a dashed line on the risk scale. */
function drawThreshold(u: uPlot, threshold: number): void {
  const y = u.valToPos(threshold, "risk", true);
  const { left, width } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = COLORS.threshold;
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.setLineDash(THRESHOLD_DASH.map((d) => d * devicePixelRatio));
  ctx.beginPath();
  ctx.moveTo(left, y);
  ctx.lineTo(left + width, y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = COLORS.threshold;
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  // Label on the left: risk usually climbs at the right, where the newest predictions are.
  ctx.textAlign = "left";
  ctx.fillText(
    `ticket threshold ${Math.round(threshold * 100)}%`,
    left + 6 * devicePixelRatio,
    y - 5 * devicePixelRatio,
  );
  ctx.restore();
}

function riskOptions(
  syncKey: string,
  threshold: number,
  markers: readonly ChartMarker[],
): Omit<uPlot.Options, "width"> {
  return {
    height: CHART_HEIGHT + 30,
    cursor: syncedCursor(syncKey),
    scales: { risk: { range: [0, 1] }, anomaly: { auto: true } },
    series: [
      TIME_SERIES,
      {
        label: "Failure risk",
        scale: "risk",
        stroke: COLORS.risk,
        width: 2,
        fill: "rgba(185, 28, 28, 0.08)",
        points: { show: false },
        value: (_u, v) => percent(v),
      },
      {
        label: "Anomaly score",
        scale: "anomaly",
        stroke: COLORS.anomaly,
        width: 1,
        dash: [3, 3],
        points: { show: false },
        value: (_u, v) => (v === null || v === undefined ? "—" : v.toFixed(2)),
      },
    ],
    axes: [
      timeAxis(),
      axis({
        scale: "risk",
        label: "risk",
        size: Y_AXIS_SIZE,
        values: (_u, vals) => vals.map((v) => percent(v)),
      }),
      axis({ scale: "anomaly", side: 1, label: "anomaly", size: Y_AXIS_SIZE, grid: { show: false } }),
    ],
    hooks: { draw: [(u) => drawThreshold(u, threshold), markerHook(markers)] },
  };
}

export function RiskChart({
  machineId,
  syncKey,
  rangeMs,
  threshold,
  markers,
}: {
  machineId: string;
  syncKey: string;
  rangeMs: number;
  /** The policy's enter threshold. */
  threshold: number;
  markers: readonly ChartMarker[];
}) {
  const predictions = usePredictions(machineId, rangeMs);
  const options = useMemo(() => riskOptions(syncKey, threshold, markers), [syncKey, threshold, markers]);
  const data = useMemo(
    () => breakAtGaps(predictionColumns(predictions.data?.points ?? [])),
    [predictions.data],
  );
  const xRange = useMemo(() => windowSeconds(predictions.data), [predictions.data]);

  if (predictions.isPending) return <Loading what="predictions" />;
  if (predictions.isError && !predictions.data) {
    return <ErrorBanner error={predictions.error} title="Could not load predictions" />;
  }
  return (
    <figure className="chart-panel">
      <figcaption>Failure risk and anomaly score</figcaption>
      {predictions.data.points.length === 0 && <p className="muted">No predictions in this range.</p>}
      <UplotChart
        options={options}
        data={data}
        xRange={xRange}
        testId="chart-risk"
        label="Failure risk and anomaly score over the chosen range"
      />
    </figure>
  );
}
