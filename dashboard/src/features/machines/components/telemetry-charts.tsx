// Temperature, vibration and rpm over the chosen range: three stacked uPlot charts with one synced cursor,
// each with the failure risk overlaid on a right-hand 0–100 % axis (switchable), lines broken at gaps and
// the machine's events (tickets opened and resolved, stops) marked.
import { useMemo } from "react";
import type uPlot from "uplot";

import { breakAtGaps, type ChartMarker, markerHook } from "@/components/chart-helpers";
import { ErrorBanner, Loading } from "@/components/feedback";
import { UplotChart } from "@/components/uplot-chart";
import type { PredictionPoint, ReadingSeries } from "@/types/api";

import { usePredictions } from "../api/get-predictions";
import { useReadings } from "../api/get-readings";
import { overlayRisk, predictionColumns, readingColumns, windowSeconds } from "./chart-data";
import {
  axis,
  CHART_HEIGHT,
  COLORS,
  line,
  percent,
  riskAxis,
  syncedCursor,
  TIME_SERIES,
  timeAxis,
  Y_AXIS_SIZE,
} from "./chart-theme";

interface SignalSpec {
  key: "temperature" | "vibration" | "rpm";
  title: string;
  unit: string;
  digits: number;
}

const SIGNALS: SignalSpec[] = [
  { key: "temperature", title: "Temperature", unit: "°C", digits: 1 },
  { key: "vibration", title: "Vibration", unit: "mm/s", digits: 2 },
  { key: "rpm", title: "Speed", unit: "rpm", digits: 0 },
];

/** A stable empty list, so the charts' data is not rebuilt while predictions load. */
const NO_PREDICTIONS: PredictionPoint[] = [];

function signalOptions(
  spec: SignalSpec,
  syncKey: string,
  showRisk: boolean,
  markers: readonly ChartMarker[],
): Omit<uPlot.Options, "width"> {
  return {
    height: CHART_HEIGHT,
    cursor: syncedCursor(syncKey),
    scales: { risk: { range: [0, 1] } },
    series: [
      TIME_SERIES,
      line(spec.title, COLORS[spec.key], spec.digits, spec.unit),
      {
        label: "Failure risk",
        scale: "risk",
        show: showRisk,
        stroke: COLORS.risk,
        width: 1.5,
        points: { show: false },
        // Instants with only a reading are join artifacts (undefined), drawn across; real gaps are nulls.
        value: (_u, v) => percent(v),
      },
    ],
    axes: [timeAxis(), axis({ label: spec.unit, size: Y_AXIS_SIZE }), riskAxis()],
    legend: { show: true },
    hooks: { draw: [markerHook(markers)] },
  };
}

interface SignalChartProps {
  spec: SignalSpec;
  syncKey: string;
  series: ReadingSeries;
  predictions: PredictionPoint[];
  showRisk: boolean;
  markers: readonly ChartMarker[];
}

function SignalChart({ spec, syncKey, series, predictions, showRisk, markers }: SignalChartProps) {
  const options = useMemo(
    () => signalOptions(spec, syncKey, showRisk, markers),
    [spec, syncKey, showRisk, markers],
  );
  // Rebuilt only when a poll brings new data; gaps in the readings break the line.
  const data = useMemo((): uPlot.AlignedData => {
    const [xs, temperature, vibration, rpm] = readingColumns(series.points);
    const [ts, risk] = predictionColumns(predictions);
    const signal = breakAtGaps([xs, { temperature, vibration, rpm }[spec.key]]) as [
      number[],
      (number | null)[],
    ];
    return overlayRisk(signal, breakAtGaps([ts, risk]) as [number[], (number | null)[]]);
  }, [series, predictions, spec.key]);
  const xRange = useMemo(() => windowSeconds(series), [series]);
  return (
    <figure className="chart-panel">
      <figcaption>{spec.title}</figcaption>
      <UplotChart
        options={options}
        data={data}
        xRange={xRange}
        testId={`chart-${spec.key}`}
        label={`${spec.title}${showRisk ? " and failure risk" : ""} over the chosen range`}
      />
    </figure>
  );
}

export function TelemetryCharts({
  machineId,
  syncKey,
  rangeMs,
  showRisk,
  markers,
}: {
  machineId: string;
  syncKey: string;
  rangeMs: number;
  showRisk: boolean;
  markers: readonly ChartMarker[];
}) {
  const readings = useReadings(machineId, rangeMs);
  // The same query as the risk chart's, so it is fetched once; the charts wait for neither.
  const predictions = usePredictions(machineId, rangeMs);
  const points = predictions.data?.points ?? NO_PREDICTIONS;
  if (readings.isPending) return <Loading what="readings" />;
  if (readings.isError && !readings.data)
    return <ErrorBanner error={readings.error} title="Could not load readings" />;
  return (
    <>
      {readings.data.points.length === 0 && <p className="muted">No readings in this range.</p>}
      {SIGNALS.map((spec) => (
        <SignalChart
          key={spec.key}
          spec={spec}
          syncKey={syncKey}
          series={readings.data}
          predictions={points}
          showRisk={showRisk}
          markers={markers}
        />
      ))}
    </>
  );
}
