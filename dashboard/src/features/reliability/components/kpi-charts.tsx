// The Reliability page's charts: precision per group, the lead-time histogram, tickets by kind stacked
// per group, and MTTR beside MTBF per group.
import { useMemo } from "react";

import type { KpiGroup, KpiReport } from "@/types/api";

import {
  bucketLabel,
  chartGroups,
  countsByKind,
  formatHours,
  formatShare,
  stack,
  TICKET_KINDS,
} from "../api/kpi-logic";
import { BarChart, type BarSeries } from "./bar-chart";

/** More bars than this read as noise; the table below lists every group. */
const MAX_CHART_GROUPS = 30;
const KIND_COLORS: Record<string, string> = {
  PREDICTIVE: "#0369a1",
  PREVENTIVE: "#15803d",
  CORRECTIVE: "#b91c1c",
  SENSOR: "#a16207",
};
const COUNT = (v: number | null) => (v === null ? "—" : String(v));

function ChartPanel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="chart-panel card">
      <h3 className="card-title">{title}</h3>
      {children}
    </section>
  );
}

function kindSeries(groups: KpiGroup[]): BarSeries[] {
  const perKind = TICKET_KINDS.map((_, k) => groups.map((g) => countsByKind(g)[k] ?? 0));
  const stacked = stack(perKind);
  // Tallest stack first: each later (shorter) running total is drawn over it.
  return TICKET_KINDS.map((kind, k) => ({
    label: kind.toLowerCase(),
    color: KIND_COLORS[kind] ?? "#475569",
    values: stacked[k] ?? [],
    format: (_v: number | null, i: number) => String(perKind[k]?.[i] ?? 0),
  })).reverse();
}

export function KpiCharts({ report }: { report: KpiReport }) {
  const groups = useMemo(() => chartGroups(report.groups, MAX_CHART_GROUPS), [report.groups]);
  const labels = useMemo(() => groups.map((g) => g.label), [groups]);
  const precision = useMemo(
    (): BarSeries[] => [
      {
        label: "precision",
        color: "#0369a1",
        values: groups.map((g) => (g.precision.value === null ? null : g.precision.value * 100)),
        format: (_v, i) => formatShare(groups[i]?.precision.value),
      },
    ],
    [groups],
  );
  const histogramLabels = useMemo(
    () => report.lead_time_histogram.map(bucketLabel),
    [report.lead_time_histogram],
  );
  const histogram = useMemo(
    (): BarSeries[] => [
      {
        label: "confirmed faults",
        color: "#7c3aed",
        values: report.lead_time_histogram.map((b) => b.count),
        format: COUNT,
      },
    ],
    [report.lead_time_histogram],
  );
  const kinds = useMemo(() => kindSeries(groups), [groups]);
  const repair = useMemo(
    (): BarSeries[] => [
      {
        label: "MTTR (h)",
        color: "#c2410c",
        values: groups.map((g) => g.mttr_hours),
        format: (v) => formatHours(v),
      },
      {
        label: "MTBF (h)",
        color: "#0f766e",
        values: groups.map((g) => g.mtbf_hours),
        format: (v) => formatHours(v),
        scale: "right",
      },
    ],
    [groups],
  );
  const shown =
    groups.length < report.groups.length
      ? ` (the ${groups.length} groups with most tickets of ${report.groups.length})`
      : "";
  return (
    <div className="charts charts--grid" data-testid="kpi-charts">
      <ChartPanel title={`Ticket precision by ${report.group_by.replace("_", " ")}${shown}`}>
        <BarChart
          categories={labels}
          series={precision}
          layout="pair"
          testId="chart-precision"
          label="Ticket precision per group, percent"
        />
      </ChartPanel>
      <ChartPanel title="Lead time before confirmed faults">
        <BarChart
          categories={histogramLabels}
          series={histogram}
          layout="pair"
          testId="chart-lead-time"
          counts
          label="Confirmed faults per lead-time range"
        />
      </ChartPanel>
      <ChartPanel title={`Tickets by kind${shown}`}>
        <BarChart
          categories={labels}
          series={kinds}
          layout="stacked"
          testId="chart-kinds"
          counts
          label="Tickets per group, stacked by kind"
        />
      </ChartPanel>
      <ChartPanel title={`MTTR (left axis) and MTBF (right axis), hours${shown}`}>
        <BarChart
          categories={labels}
          series={repair}
          layout="pair"
          testId="chart-repair"
          label="Mean time to repair and mean time between failures per group"
        />
      </ChartPanel>
    </div>
  );
}
