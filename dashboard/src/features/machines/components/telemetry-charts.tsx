// Temperature, vibration and rpm over the last hour: three stacked uPlot charts with one synced cursor.
import { useMemo } from "react";
import type uPlot from "uplot";

import { ErrorBanner, Loading } from "@/components/feedback";
import { UplotChart } from "@/components/uplot-chart";
import type { ReadingSeries } from "@/types/api";

import { useReadings } from "../api/get-readings";
import { readingColumns, windowSeconds } from "./chart-data";
import { axis, CHART_HEIGHT, COLORS, line, rightSpacer, syncedCursor, Y_AXIS_SIZE } from "./chart-theme";

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

function signalOptions(spec: SignalSpec, syncKey: string): Omit<uPlot.Options, "width"> {
  return {
    height: CHART_HEIGHT,
    cursor: syncedCursor(syncKey),
    series: [{}, line(spec.title, COLORS[spec.key], spec.digits, spec.unit)],
    axes: [axis(), axis({ label: spec.unit, size: Y_AXIS_SIZE }), rightSpacer()],
    legend: { show: true },
  };
}

interface SignalChartProps {
  spec: SignalSpec;
  syncKey: string;
  series: ReadingSeries;
}

function SignalChart({ spec, syncKey, series }: SignalChartProps) {
  const options = useMemo(() => signalOptions(spec, syncKey), [spec, syncKey]);
  // Rebuilt only when a poll brings new data.
  const data = useMemo((): uPlot.AlignedData => {
    const [xs, temperature, vibration, rpm] = readingColumns(series.points);
    return [xs, { temperature, vibration, rpm }[spec.key]];
  }, [series, spec.key]);
  const xRange = useMemo(() => windowSeconds(series), [series]);
  return (
    <figure className="chart-panel">
      <figcaption>{spec.title}</figcaption>
      <UplotChart
        options={options}
        data={data}
        xRange={xRange}
        testId={`chart-${spec.key}`}
        label={`${spec.title} over the last hour`}
      />
    </figure>
  );
}

export function TelemetryCharts({
  machineId,
  syncKey,
  rangeMs,
}: {
  machineId: string;
  syncKey: string;
  rangeMs: number;
}) {
  const readings = useReadings(machineId, rangeMs);
  if (readings.isPending) return <Loading what="readings" />;
  if (readings.isError && !readings.data)
    return <ErrorBanner error={readings.error} title="Could not load readings" />;
  return (
    <>
      {readings.data.points.length === 0 && <p className="muted">No readings in the last hour.</p>}
      {SIGNALS.map((spec) => (
        <SignalChart key={spec.key} spec={spec} syncKey={syncKey} series={readings.data} />
      ))}
    </>
  );
}
