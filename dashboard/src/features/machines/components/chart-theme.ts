// Shared look of the machine charts: axes, grid and a cursor synced across the stacked charts.
import type uPlot from "uplot";

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

/** Width of the y axes: the same on every chart so the stacked plots line up in time. */
export const Y_AXIS_SIZE = 60;
/** Room for an axis title ("°C", "risk"); uPlot adds it to the axis size, so it is fixed here too. */
export const AXIS_LABEL_SIZE = 24;

/**
 * An empty right-hand axis as wide as the risk chart's anomaly axis, so the plot areas of the single-axis
 * charts end where the risk chart's does and their x positions match.
 */
export function rightSpacer(): uPlot.Axis {
  return {
    side: 1,
    size: Y_AXIS_SIZE + AXIS_LABEL_SIZE,
    grid: { show: false },
    ticks: { show: false },
    values: () => [],
  };
}

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
