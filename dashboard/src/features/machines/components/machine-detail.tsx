// The machine page: who it is and how it is now, live charts over a range that fits its data (with its
// tickets, repairs and stops marked), and its tickets.
import { useMemo, useState } from "react";
import { Link } from "react-router";

import { stopMarkers, ticketMarkers, useStableMarkers } from "@/components/chart-helpers";
import { ErrorBanner, Loading } from "@/components/feedback";
import { ReadingsList } from "@/components/readings-list";
import { RiskBar } from "@/components/risk-bar";
import { StateBadge } from "@/components/state-badge";
import { paths } from "@/config/paths";
import { ApiError } from "@/lib/api-client";
import { formatAge } from "@/lib/format";
import { likelyFault, useLikelyFaultLevel } from "@/lib/likely-fault";
import { operatingState, riskFreshness, silenceText, STOPPED_BELOW_RPM } from "@/lib/machine-state";
import { useNow } from "@/lib/use-now";

import { useMachine } from "../api/get-machine";
import { useMachineTickets } from "../api/get-machine-tickets";
import { useReadings } from "../api/get-readings";
import { fittingRange, RANGES, rangeTitle } from "../api/time-window";
import { readingColumns } from "./chart-data";
import { MachineTickets } from "./machine-tickets";
import { RiskChart } from "./risk-chart";
import { TelemetryCharts } from "./telemetry-charts";

export function MachineDetail({ machineId }: { machineId: string }) {
  const machine = useMachine(machineId);
  const level = useLikelyFaultLevel();
  const now = useNow();
  // null until the user picks one: the range then fits the machine's data.
  const [picked, setPicked] = useState<number | null>(null);
  const [showRisk, setShowRisk] = useState(true);
  const rangeMs = picked ?? fittingRange(machine.data?.created_at, now);
  const tickets = useMachineTickets(machineId);
  const readings = useReadings(machineId, rangeMs);
  const found = useMemo(() => {
    const [xs, , , rpm] = readingColumns(readings.data?.points ?? []);
    return [...ticketMarkers(tickets.data?.items ?? []), ...stopMarkers(xs, rpm, STOPPED_BELOW_RPM)];
  }, [tickets.data, readings.data]);
  const markers = useStableMarkers(found);
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
  const state = operatingState(m, level, now);
  const freshness = riskFreshness(m, now);
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
            {m.gateway_id && !m.online ? " (offline)" : ""}
          </p>
        </div>
        <StateBadge state={state} detail={state === "no_data" ? silenceText(m, now) : undefined} />
      </header>

      <section className="detail-summary" aria-label="Current state">
        <div className="card detail-summary__risk">
          <h2 className="card-title">Failure risk</h2>
          <RiskBar
            value={prediction?.failure_prob ?? null}
            freshness={freshness}
            level={level}
            fault={
              freshness.kind === "current"
                ? likelyFault(prediction?.failure_prob, prediction?.fault, level)
                : null
            }
            large
          />
          <p className="muted small">
            {prediction
              ? `model ${prediction.model_version} · ${formatAge(prediction.ts, now)}`
              : "no prediction yet"}
          </p>
        </div>
        <div className="card">
          <h2 className="card-title">Latest reading</h2>
          <ReadingsList reading={reading} large />
          <p className="muted small">
            {state === "no_data" ? silenceText(m, now) : reading ? formatAge(reading.ts, now) : ""}
          </p>
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
                onClick={() => setPicked(r.ms)}
              >
                {r.label}
              </button>
            ))}
          </div>
          <label className="toggle small">
            <input
              type="checkbox"
              data-testid="toggle-risk"
              checked={showRisk}
              onChange={(e) => setShowRisk(e.target.checked)}
            />{" "}
            Risk on signal charts
          </label>
        </div>
        <RiskChart machineId={m.id} syncKey={syncKey} rangeMs={rangeMs} threshold={level} markers={markers} />
        <TelemetryCharts
          machineId={m.id}
          syncKey={syncKey}
          rangeMs={rangeMs}
          showRisk={showRisk}
          markers={markers}
        />
        <p className="muted small" data-testid="chart-markers" data-count={markers.length}>
          Marked: ticket opened (pink), resolved with the repair sent (green), machine stopped (black).
        </p>
      </section>

      <section aria-label="Tickets">
        <h2>Tickets</h2>
        <MachineTickets machineId={m.id} />
      </section>
    </>
  );
}
