// Bars over categories (groups or lead-time bins) with uPlot: x is the category's index, labelled on the
// axis; two series sit side by side (left and right of the category), or any number overlap as stacks
// when given running totals (the tallest first, so each shorter one is drawn over it).
import { useMemo } from "react";
import uPlot from "uplot";

import { UplotChart } from "@/components/uplot-chart";

export interface BarSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** What the legend shows for a bar (e.g. the unstacked count of a stacked series). */
  format: (value: number | null, index: number) => string;
  /** A second y scale ("right") for a series in other units. */
  scale?: "left" | "right";
}

interface BarChartProps {
  categories: string[];
  series: BarSeries[];
  /** "pair": at most two series, side by side; "stacked": running totals drawn over each other. */
  layout: "pair" | "stacked";
  testId: string;
  label: string;
  height?: number;
  /** Counts: whole-number steps on the left axis (no "0.2 tickets"). */
  counts?: boolean;
}

const AXIS_STROKE = "#334155";
const GRID_STROKE = "#e2e8f0";
/** Share of a category's slot the bars fill, and the widest a bar may be (px). */
const SLOT_FILL = 0.7;
const MAX_BAR_PX = 60;
const DEFAULT_HEIGHT = 220;
/** Axis steps for counts: whole numbers only. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 100_000];
/** uPlot's bar path builder (typed optional: builds without it exist). */
const barsPath = uPlot.paths.bars;

function axisFor(scale: string, side: 0 | 1 | 2 | 3, format?: (v: number) => string): uPlot.Axis {
  return {
    scale,
    side,
    stroke: AXIS_STROKE,
    grid: { stroke: GRID_STROKE, width: 1, show: side === 3 || side === 2 },
    ticks: { stroke: GRID_STROKE, width: 1 },
    size: 60,
    ...(format ? { values: (_u: uPlot, splits: number[]) => splits.map(format) } : {}),
  };
}

function options(props: BarChartProps): Omit<uPlot.Options, "width"> {
  const { categories, series, layout } = props;
  const paired = layout === "pair" && series.length > 1;
  const barSize = paired ? SLOT_FILL / 2 : SLOT_FILL;
  const maxBar = paired ? MAX_BAR_PX / 2 : MAX_BAR_PX;
  const hasRight = series.some((s) => s.scale === "right");
  return {
    height: props.height ?? DEFAULT_HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(categories.length - 0.5, 0.5)] },
      left: { range: (_u, _min, max) => [0, Math.max(max, 1)] },
      ...(hasRight
        ? { right: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(max, 1)] } }
        : {}),
    },
    axes: [
      {
        stroke: AXIS_STROKE,
        grid: { show: false },
        ticks: { show: false },
        splits: () => categories.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => categories[i] ?? ""),
        rotate: categories.length > 8 ? -30 : 0,
        size: categories.length > 8 ? 70 : 40,
      },
      { ...axisFor("left", 3), ...(props.counts ? { incrs: COUNT_STEPS } : {}) },
      ...(hasRight ? [axisFor("right", 1)] : []),
    ],
    series: [
      { label: "", value: (_u, i) => (i === null ? "" : (categories[i] ?? "")) },
      ...series.map((s, index): uPlot.Series => ({
        label: s.label,
        scale: s.scale ?? "left",
        stroke: s.color,
        fill: s.color,
        width: 0,
        points: { show: false },
        ...(barsPath && {
          paths: barsPath({
            size: [barSize, maxBar],
            // A pair: the first bar left of the category's centre, the second right of it.
            align: paired ? (index === 0 ? -1 : 1) : 0,
          }),
        }),
        value: (_u, v, _si, i) => s.format(v, i ?? 0),
      })),
    ],
  };
}

export function BarChart(props: BarChartProps) {
  const opts = useMemo(() => options(props), [props]);
  const data = useMemo(
    (): uPlot.AlignedData => [props.categories.map((_, i) => i), ...props.series.map((s) => s.values)],
    [props.categories, props.series],
  );
  return <UplotChart options={opts} data={data} testId={props.testId} label={props.label} timeX={false} />;
}
