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
