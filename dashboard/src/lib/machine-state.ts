// What a machine is doing now and whether its risk figure still describes it: one rule for every view.
//
// Operating state, from the newest reading's age and values and the open tickets:
// - No data: no reading for NO_DATA_AFTER_S (the gateway, the link or ingestion is silent) — whatever the
//   last values were, they are not current.
// - Stopped: the newest reading's speed is below STOPPED_BELOW_RPM (a stopped machine still shows a little
//   sensor noise, never an exact 0).
// - Tripped: stopped while a ticket is open, or stopped with its last risk at or above the likely-fault
//   level: the machine most likely went down on the fault rather than for a planned stop.
// - Running: otherwise.
// A risk figure is stale when it is older than RISK_STALE_AFTER_S (a few sample periods) or dates from
// before the machine's last repair (its ticket was resolved and the gateway told).
import type { Machine } from "@/types/api";

/** No reading for this long: the machine's state is unknown. */
export const NO_DATA_AFTER_S = 60;
/** A prediction older than this no longer describes the machine (agents score every few seconds). */
export const RISK_STALE_AFTER_S = 30;
/** Below this speed a machine is stopped (the simulator's stopped machines show a few rpm of noise). */
export const STOPPED_BELOW_RPM = 50;

export type OperatingState = "running" | "stopped" | "tripped" | "no_data";

export const STATE_LABELS: Record<OperatingState, string> = {
  running: "Running",
  stopped: "Stopped",
  tripped: "Tripped",
  no_data: "No data",
};

function ageSeconds(iso: string | null | undefined, now: Date): number | null {
  if (!iso) return null;
  const then = Date.parse(iso);
  return Number.isNaN(then) ? null : Math.max(0, (now.getTime() - then) / 1000);
}

/** The machine's operating state now (see the rule above). */
export function operatingState(
  machine: Machine,
  likelyFaultLevel: number,
  now: Date = new Date(),
): OperatingState {
  const reading = machine.latest_reading;
  const age = ageSeconds(reading?.ts, now);
  if (reading === null || age === null || age > NO_DATA_AFTER_S) return "no_data";
  if (reading.rpm === null || reading.rpm >= STOPPED_BELOW_RPM) return "running";
  const risk = machine.latest_prediction?.failure_prob ?? 0;
  return machine.open_tickets > 0 || risk >= likelyFaultLevel ? "tripped" : "stopped";
}

/** "no data for 3 min" / "no data yet": how long a silent machine has been silent. */
export function silenceText(machine: Machine, now: Date = new Date()): string {
  const age = ageSeconds(machine.latest_reading?.ts, now);
  if (age === null) return "no data yet";
  if (age < 120) return `no data for ${Math.round(age)} s`;
  if (age < 7200) return `no data for ${Math.floor(age / 60)} min`;
  return `no data for ${Math.floor(age / 3600)} h`;
}

export type RiskFreshness =
  | { kind: "none" }
  | { kind: "current"; ageS: number }
  | { kind: "old"; ageS: number }
  | { kind: "before_repair"; ageS: number };

/** Whether the machine's risk figure is current, old, or from before its last repair. */
export function riskFreshness(machine: Machine, now: Date = new Date()): RiskFreshness {
  const prediction = machine.latest_prediction;
  const age = ageSeconds(prediction?.ts, now);
  if (!prediction || age === null) return { kind: "none" };
  const repaired = machine.last_repair_at ? Date.parse(machine.last_repair_at) : Number.NaN;
  if (!Number.isNaN(repaired) && Date.parse(prediction.ts) < repaired)
    return { kind: "before_repair", ageS: age };
  if (age > RISK_STALE_AFTER_S) return { kind: "old", ageS: age };
  return { kind: "current", ageS: age };
}

/** The risk to act on: the figure when current, else null (a stale figure is shown, never counted). */
export function currentRisk(machine: Machine, now: Date = new Date()): number | null {
  return riskFreshness(machine, now).kind === "current"
    ? (machine.latest_prediction?.failure_prob ?? null)
    : null;
}

/** Why a machine needs attention, or null: a current risk at the likely-fault level, tripped, or silent. */
export function attentionReason(
  machine: Machine,
  likelyFaultLevel: number,
  now: Date = new Date(),
): "at_risk" | "tripped" | "no_data" | null {
  const state = operatingState(machine, likelyFaultLevel, now);
  if (state === "tripped") return "tripped";
  if (state === "no_data") return "no_data";
  const risk = currentRisk(machine, now);
  return risk !== null && risk >= likelyFaultLevel ? "at_risk" : null;
}
