// The Reliability page: pick a period, a grouping and optionally a site or line; read the headline
// figures, the charts and every group's row; export the period's tickets, readings and predictions as CSV.
import { useMemo, useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { errorMessage } from "@/lib/api-client";
import type { KpiParams } from "@/lib/query-keys";
import type { KpiFigures, KpiGrouping } from "@/types/api";

import { downloadCsv, type ExportDataset } from "../api/export-csv";
import { useLines, useSites } from "@/lib/directory";
import { useKpis } from "../api/get-kpis";
import {
  type DayRange,
  exportFileName,
  formatHours,
  formatShare,
  lastDays,
  periodParams,
} from "../api/kpi-logic";
import { KpiCharts } from "./kpi-charts";
import { KpiTable } from "./kpi-table";

const GROUPINGS: { value: KpiGrouping; label: string }[] = [
  { value: "machine", label: "Machine" },
  { value: "line", label: "Line" },
  { value: "site", label: "Site" },
  { value: "model_version", label: "Model version" },
];
const DEFAULT_DAYS = 30;
const DATASETS: ExportDataset[] = ["tickets", "readings", "predictions"];

function Headline({ total }: { total: KpiFigures }) {
  const stats = [
    ["precision", "Ticket precision", formatShare(total.precision.value)],
    ["lead", "Median lead time", formatHours(total.lead_time.median_hours)],
    ["missed", "Missed failures", String(total.missed_failures)],
    ["mttr", "MTTR", formatHours(total.mttr_hours)],
    ["mtbf", "MTBF", formatHours(total.mtbf_hours)],
    ["planned", "Planned work", formatShare(total.planned_share)],
  ] as const;
  return (
    <div className="stats stats--six">
      {stats.map(([id, label, value]) => (
        <div
          key={id}
          className={`stat${id === "missed" && total.missed_failures > 0 ? " stat--alert" : ""}`}
          data-testid={`kpi-${id}`}
        >
          <span className="stat__value">{value}</span>
          <span className="stat__label">{label}</span>
        </div>
      ))}
    </div>
  );
}

function Exports({ params, range }: { params: Omit<KpiParams, "group_by"> | null; range: DayRange }) {
  const [busy, setBusy] = useState<ExportDataset | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run(dataset: ExportDataset) {
    if (!params) return;
    setBusy(dataset);
    setError(null);
    try {
      await downloadCsv(dataset, { ...params }, exportFileName(dataset, range));
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(null);
    }
  }
  return (
    <div className="actions" aria-label="CSV exports">
      {DATASETS.map((dataset) => (
        <button
          key={dataset}
          type="button"
          className="button"
          disabled={params === null || busy !== null}
          onClick={() => void run(dataset)}
          data-testid={`export-${dataset}`}
        >
          {busy === dataset ? "Exporting…" : `Export ${dataset} (CSV)`}
        </button>
      ))}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function ReliabilityPage() {
  const [range, setRange] = useState<DayRange>(() => lastDays(DEFAULT_DAYS));
  const [groupBy, setGroupBy] = useState<KpiGrouping>("machine");
  const [siteId, setSiteId] = useState("");
  const [lineId, setLineId] = useState("");
  const sites = useSites();
  const lines = useLines();
  const period = periodParams(range);
  const start = "error" in period ? null : period.start;
  const end = "error" in period ? null : period.end;
  const filters = useMemo(
    () =>
      start === null || end === null
        ? null
        : { start, end, site_id: siteId || undefined, line_id: lineId || undefined },
    [start, end, siteId, lineId],
  );
  const kpis = useKpis(filters ? { ...filters, group_by: groupBy } : null);
  const siteLines = (lines.data ?? []).filter((l) => !siteId || l.site_id === siteId);
  const groupLabel = GROUPINGS.find((g) => g.value === groupBy)?.label ?? groupBy;

  return (
    <>
      <header className="page-head">
        <h1>Reliability</h1>
      </header>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Period and grouping">
        <label className="field">
          From (UTC)
          <input
            type="date"
            value={range.from}
            onChange={(e) => setRange({ ...range, from: e.target.value })}
            data-testid="period-from"
          />
        </label>
        <label className="field">
          To (UTC, included)
          <input
            type="date"
            value={range.to}
            onChange={(e) => setRange({ ...range, to: e.target.value })}
            data-testid="period-to"
          />
        </label>
        <label className="field">
          Group by
          <select
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as KpiGrouping)}
            data-testid="group-by"
          >
            {GROUPINGS.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Site
          <select
            value={siteId}
            onChange={(e) => {
              setSiteId(e.target.value);
              setLineId("");
            }}
            data-testid="filter-site"
          >
            <option value="">All sites</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Line
          <select value={lineId} onChange={(e) => setLineId(e.target.value)} data-testid="filter-line">
            <option value="">All lines</option>
            {siteLines.map((l) => (
              <option key={l.id} value={l.id}>
                {l.site_name} / {l.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {"error" in period ? (
        <p className="form-error" role="alert">
          {period.error}
        </p>
      ) : null}
      <Exports params={filters} range={range} />
      {kpis.isPending && filters ? <Loading what="reliability figures" /> : null}
      {kpis.isError ? (
        <ErrorBanner error={kpis.error} title="Could not load the reliability figures" />
      ) : null}
      {kpis.data ? (
        <div data-testid="kpi-report" aria-busy={kpis.isFetching}>
          <Headline total={kpis.data.total} />
          {kpis.data.total.tickets === 0 ? <Empty>No tickets were opened in this period.</Empty> : null}
          <KpiCharts report={kpis.data} />
          <KpiTable groups={kpis.data.groups} total={kpis.data.total} groupLabel={groupLabel} />
        </div>
      ) : null}
    </>
  );
}
