// What the health light says on hover, from whatever the API chose to tell this caller.
import { formatDuration } from "@/lib/format";
import type { Health, HealthSummary } from "@/types/api";

/** Whether the report carries the details (the API sends them only when it accepted the caller's token). */
export function hasDetails(health: HealthSummary): health is Health {
  const body = health as Partial<Health>;
  return (
    typeof body.database === "object" &&
    body.database !== null &&
    typeof body.broker === "object" &&
    body.broker !== null &&
    typeof body.ingestion === "object" &&
    body.ingestion !== null
  );
}

/** One line naming each part's state, or a plain status when the API kept the details back. */
export function describeHealth(health: HealthSummary): string {
  if (!hasDetails(health)) return `status ${health.status} (details need a valid sign-in)`;
  const parts = [
    health.database.ok ? "database ok" : `database down: ${health.database.error ?? "unreachable"}`,
    health.broker.connected ? "broker connected" : "broker disconnected",
    `${health.ingestion.workers} ingestion worker${health.ingestion.workers === 1 ? "" : "s"}`,
    `lag ${formatDuration(health.ingestion.lag_s)}`,
  ];
  return parts.join(" · ");
}

function wholeSeconds(seconds: number): string {
  return seconds < 60 ? `${Math.round(seconds)} s` : formatDuration(seconds);
}

/** The header pill's words, about the system (never the plant): "System OK", "Ingestion lagging 42 s",
 * or "Degraded" when a part is down. */
export function healthPill(health: HealthSummary): { state: "ok" | "lagging" | "degraded"; text: string } {
  if (health.status !== "ok") return { state: "degraded", text: "System degraded" };
  if (hasDetails(health) && health.ingestion.lagging && health.ingestion.lag_s !== null)
    return { state: "lagging", text: `Ingestion lagging ${wholeSeconds(health.ingestion.lag_s)}` };
  return { state: "ok", text: "System OK" };
}
