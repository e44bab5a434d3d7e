// Failure-risk levels: one place that decides what counts as "at risk" and which colour a risk gets.

/** The ticket engine's default enter threshold: at this risk a machine starts earning a ticket. */
export const RISK_TICKET_THRESHOLD = 0.7;
/** Below this the model sees nothing worth a look. */
const RISK_WATCH_THRESHOLD = 0.4;
/** The engine makes a ticket CRITICAL from here on. */
const RISK_CRITICAL_THRESHOLD = 0.9;

export type RiskLevel = "unknown" | "low" | "watch" | "high" | "critical";

/** The level of a failure probability in [0, 1]; null or NaN (no prediction yet) is "unknown".
 * ``ticketLevel``: where "high" starts — the policy's enter threshold (lib/likely-fault.ts) when known. */
export function riskLevel(
  prob: number | null | undefined,
  ticketLevel: number = RISK_TICKET_THRESHOLD,
): RiskLevel {
  if (prob === null || prob === undefined || Number.isNaN(prob)) return "unknown";
  if (prob >= Math.max(RISK_CRITICAL_THRESHOLD, ticketLevel)) return "critical";
  if (prob >= ticketLevel) return "high";
  if (prob >= RISK_WATCH_THRESHOLD) return "watch";
  return "low";
}

/** True when a machine's risk is at or above the ticket threshold. */
export function isAtRisk(prob: number | null | undefined): boolean {
  const level = riskLevel(prob);
  return level === "high" || level === "critical";
}

export const RISK_LABELS: Record<RiskLevel, string> = {
  unknown: "No prediction",
  low: "Low",
  watch: "Watch",
  high: "High",
  critical: "Critical",
};

/** Sort key helper: riskiest first, machines without a prediction last, then by name. */
export function compareByRisk(
  a: { name: string; risk: number | null },
  b: { name: string; risk: number | null },
): number {
  const ra = a.risk ?? -1;
  const rb = b.risk ?? -1;
  if (ra !== rb) return rb - ra;
  return a.name.localeCompare(b.name);
}
