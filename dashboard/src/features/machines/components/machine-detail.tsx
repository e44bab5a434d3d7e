// The machine page: who it is and how it is now, live charts over a chosen range, and its tickets.
import { useState } from "react";
import { Link } from "react-router";

import { OnlineBadge } from "@/components/badges";
import { ErrorBanner, Loading } from "@/components/feedback";
import { ReadingsList } from "@/components/readings-list";
import { RiskBar } from "@/components/risk-bar";
import { paths } from "@/config/paths";
import { ApiError } from "@/lib/api-client";
import { formatAge } from "@/lib/format";

import { useMachine } from "../api/get-machine";
import { DEFAULT_RANGE_MS, RANGES, rangeTitle } from "../api/time-window";
import { MachineTickets } from "./machine-tickets";
import { RiskChart } from "./risk-chart";
import { TelemetryCharts } from "./telemetry-charts";

export function MachineDetail({ machineId }: { machineId: string }) {
  const machine = useMachine(machineId);
  const [rangeMs, setRangeMs] = useState<number>(DEFAULT_RANGE_MS);
  if (machine.isPending) return <Loading what="machine" />;
  if (machine.isError && !machine.data) {
    const missing = machine.error instanceof ApiError && machine.error.status === 404;
    return (
      <>
        <ErrorBanner
          error={machine.error}
          title={missing ? "No such machine" : "Could not load the machine"}
        />
        <Link to={paths.fleet.href()}>Back to the fleet</Link>
      </>
    );
  }
  const m = machine.data;
  const reading = m.latest_reading;
  const prediction = m.latest_prediction;
  // One sync key per machine page keeps the cursors of its four charts together.
  const syncKey = `machine-${m.id}`;
  return (
    <>
      <nav className="breadcrumb small" aria-label="Breadcrumb">
        <Link to={paths.fleet.href()}>Fleet</Link> / <span>{m.name}</span>
      </nav>
      <header className="page-head">
        <div>
          <h1>{m.name}</h1>
          <p className="muted">
            {m.type}
            {m.location ? ` · ${m.location}` : ""} · gateway {m.gateway_id ?? "none"}
          </p>
        </div>
        <OnlineBadge online={m.online} />
      </header>

      <section className="detail-summary" aria-label="Current state">
        <div className="card detail-summary__risk">
          <h2 className="card-title">Failure risk</h2>
          <RiskBar value={prediction?.failure_prob ?? null} fault={prediction?.fault} large />
          <p className="muted small">
            {prediction
              ? `model ${prediction.model_version} · ${formatAge(prediction.ts)}`
              : "no prediction yet"}
          </p>
        </div>
        <div className="card">
          <h2 className="card-title">Latest reading</h2>
          <ReadingsList reading={reading} large />
          <p className="muted small">{reading ? formatAge(reading.ts) : "no readings yet"}</p>
        </div>
      </section>

      <section className="card charts" aria-label="Charts">
        <div className="charts__head">
          <h2 className="card-title">{rangeTitle(rangeMs)}</h2>
          <div className="segmented" role="group" aria-label="Time range">
            {RANGES.map((r) => (
              <button
                key={r.ms}
                type="button"
                className={`segmented__item${r.ms === rangeMs ? " segmented__item--active" : ""}`}
                aria-pressed={r.ms === rangeMs}
                data-testid={`range-${r.label.replace(" ", "")}`}
                onClick={() => setRangeMs(r.ms)}
              >
                {r.label}
              </button>
            ))}
          </div>
        </div>
        <RiskChart machineId={m.id} syncKey={syncKey} rangeMs={rangeMs} />
        <TelemetryCharts machineId={m.id} syncKey={syncKey} rangeMs={rangeMs} />
      </section>

      <section aria-label="Tickets">
        <h2>Tickets</h2>
        <MachineTickets machineId={m.id} />
      </section>
    </>
  );
}
