// Shared look of the machine charts: axes, grid and a cursor synced across the stacked charts.
import type uPlot from "uplot";

import { legendTime, timeAxisValues } from "@/components/chart-helpers";

export const COLORS = {
  temperature: "#c2410c",
  vibration: "#7c3aed",
  rpm: "#0369a1",
  risk: "#b91c1c",
  anomaly: "#475569",
  threshold: "#dc2626",
} as const;

const AXIS_STROKE = "#334155";
const GRID_STROKE = "#e2e8f0";

/** Chart height in CSS pixels: four stacked charts still fit a laptop screen. */
export const CHART_HEIGHT = 170;

export function axis(overrides: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: AXIS_STROKE,
    grid: { stroke: GRID_STROKE, width: 1 },
    ticks: { stroke: GRID_STROKE, width: 1 },
    labelSize: AXIS_LABEL_SIZE,
    ...overrides,
  };
}

/** The time axis: 24-hour labels in the user's locale. */
export function timeAxis(): uPlot.Axis {
  return axis({ values: timeAxisValues });
}

/** The x series: the cursor's time in the legend, 24-hour. */
export const TIME_SERIES: uPlot.Series = { value: legendTime };

/** Width of the y axes: the same on every chart so the stacked plots line up in time. */
export const Y_AXIS_SIZE = 60;
/** Room for an axis title ("°C", "risk"); uPlot adds it to the axis size, so it is fixed here too. */
export const AXIS_LABEL_SIZE = 24;

/** A cursor synced by key, so hovering one chart shows the same instant on the others. */
export function syncedCursor(syncKey: string): uPlot.Cursor {
  return { sync: { key: syncKey, setSeries: false }, drag: { x: false, y: false } };
}

/** One line series with the house colour and width. */
export function line(label: string, stroke: string, digits: number, unit: string): uPlot.Series {
  return {
    label,
    stroke,
    width: 1.5,
    points: { show: false },
    value: (_u, v) => (v === null || v === undefined ? "—" : `${v.toFixed(digits)} ${unit}`),
  };
}

/** A 0–1 value as a whole percentage, "—" for a gap. */
export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`;
}

/** The right-hand 0–100 % axis of the failure risk; as wide as the spacer, so the plots still line up. */
export function riskAxis(): uPlot.Axis {
  return axis({
    scale: "risk",
    side: 1,
    label: "risk",
    size: Y_AXIS_SIZE,
    grid: { show: false },
    values: (_u, vals) => vals.map((v) => percent(v)),
  });
}
