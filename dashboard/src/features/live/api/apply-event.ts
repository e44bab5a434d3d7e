// How one live-stream event changes cached data: pure functions, so the cache patches are tested alone.
import type { Gateway, Machine, PredictionEvent, PredictionSeries } from "@/types/api";

function newer(a: string, b: string | undefined): boolean {
  return b === undefined || Date.parse(a) > Date.parse(b);
}

function predictionPoint(event: PredictionEvent) {
  return {
    ts: event.ts,
    failure_prob: event.failure_prob,
    anomaly_score: event.anomaly_score,
    is_anomaly: event.is_anomaly,
    model_version: event.model_version,
    fault: event.fault ?? null,
  };
}

/** The machine with this prediction as its latest, unless it already has a newer one. */
export function withPrediction(machine: Machine, event: PredictionEvent): Machine {
  if (machine.id !== event.machine_id || !newer(event.ts, machine.latest_prediction?.ts)) return machine;
  return { ...machine, latest_prediction: predictionPoint(event) };
}

/** The fleet list with one machine's latest prediction replaced (same array when nothing changed). */
export function patchMachines(machines: Machine[], event: PredictionEvent): Machine[] {
  let changed = false;
  const next = machines.map((m) => {
    const patched = withPrediction(m, event);
    changed ||= patched !== m;
    return patched;
  });
  return changed ? next : machines;
}

/** A risk chart's series with the new point appended, the window slid forward to it. */
export function appendPrediction(series: PredictionSeries, event: PredictionEvent): PredictionSeries {
  const last = series.points[series.points.length - 1];
  if (series.machine_id !== event.machine_id || !newer(event.ts, last?.ts)) return series;
  const span = Date.parse(series.end) - Date.parse(series.start);
  const end = Date.parse(event.ts) > Date.parse(series.end) ? event.ts : series.end;
  const start = new Date(Date.parse(end) - span).toISOString();
  const startMs = Date.parse(start);
  const points = [...series.points.filter((p) => Date.parse(p.ts) >= startMs), predictionPoint(event)];
  return { ...series, start, end, points };
}

/** The gateways list with this gateway's new state (added when it is new). */
export function upsertGateway(gateways: Gateway[], gateway: Gateway): Gateway[] {
  const index = gateways.findIndex((g) => g.id === gateway.id);
  if (index === -1) return [...gateways, gateway].sort((a, b) => a.id.localeCompare(b.id));
  return gateways.map((g, i) => (i === index ? gateway : g));
}
