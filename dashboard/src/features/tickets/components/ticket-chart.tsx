// A small chart of the signals that drove a ticket, from its run-up to its resolution, with the
// "ticket opened" (and "resolved") markers; each signal on its own scale, in its unit.
import { useMemo } from "react";
import type uPlot from "uplot";

import {
  breakAtGaps,
  type ChartMarker,
  legendTime,
  markerHook,
  ticketMarkers,
  timeAxisValues,
  useStableMarkers,
} from "@/components/chart-helpers";
import { ErrorBanner, Loading } from "@/components/feedback";
import { UplotChart } from "@/components/uplot-chart";
import type { ReadingPoint, SignalDriver, Ticket } from "@/types/api";

import { useTicketReadings } from "../api/get-ticket-readings";

const STROKES = ["#7c3aed", "#c2410c", "#0369a1"];
const HEIGHT = 160;
type SignalKey = keyof Omit<ReadingPoint, "ts">;
const KEYS: readonly SignalKey[] = ["temperature", "vibration", "rpm"];

function isSignal(name: string): name is SignalKey {
  return (KEYS as readonly string[]).includes(name);
}

function chartOptions(lines: SignalDriver[], markers: readonly ChartMarker[]): Omit<uPlot.Options, "width"> {
  return {
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    scales: Object.fromEntries(lines.map((l) => [l.signal, { auto: true }])),
    series: [
      { value: legendTime },
      ...lines.map((l, i): uPlot.Series => ({
        label: `${l.label} (${l.unit})`,
        scale: l.signal,
        stroke: STROKES[i % STROKES.length] ?? "#334155",
        width: 1.5,
        points: { show: false },
      })),
    ],
    axes: [
      { values: timeAxisValues, stroke: "#334155" },
      ...lines.slice(0, 2).map((l, i): uPlot.Axis => ({
        scale: l.signal,
        label: l.unit,
        side: i === 0 ? 3 : 1,
        stroke: "#334155",
        size: 56,
      })),
    ],
    hooks: { draw: [markerHook(markers)] },
  };
}

export function TicketChart({ ticket }: { ticket: Ticket }) {
  const readings = useTicketReadings(ticket);
  const lines = useMemo(
    () => (ticket.reason?.signals ?? []).filter((l) => isSignal(l.signal)),
    [ticket.reason?.signals],
  );
  const markers = useStableMarkers(ticketMarkers([ticket]));
  const options = useMemo(() => chartOptions(lines, markers), [lines, markers]);
  const data = useMemo((): uPlot.AlignedData => {
    const points = readings.data?.points ?? [];
    const columns: uPlot.AlignedData = [
      points.map((p) => Date.parse(p.ts) / 1000),
      ...lines.map((l) => points.map((p) => (isSignal(l.signal) ? p[l.signal] : null))),
    ];
    return breakAtGaps(columns);
  }, [readings.data, lines]);
  const xRange = useMemo((): [number, number] | undefined => {
    if (!readings.data) return undefined;
    return [Date.parse(readings.data.start) / 1000, Date.parse(readings.data.end) / 1000];
  }, [readings.data]);

  if (lines.length === 0) return null;
  if (readings.isPending) return <Loading what="readings" />;
  if (readings.isError && !readings.data)
    return <ErrorBanner error={readings.error} title="Could not load readings" />;
  return (
    <figure className="chart-panel ticket-chart" data-testid="ticket-chart" data-markers={markers.length}>
      <figcaption>Driving signals around the ticket</figcaption>
      <UplotChart
        options={options}
        data={data}
        xRange={xRange}
        testId="chart-ticket"
        label={`${lines.map((l) => l.label).join(", ")} before and after the ticket opened`}
      />
    </figure>
  );
}
