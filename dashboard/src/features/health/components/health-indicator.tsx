// The nav bar's health light: green when all is well, amber when degraded, red when the API is unreachable.
import { errorMessage } from "@/lib/api-client";
import { formatDuration } from "@/lib/format";
import type { Health } from "@/types/api";

import { useHealth } from "../api/get-health";

function describe(health: Health): string {
  const parts = [
    health.database.ok ? "database ok" : `database down: ${health.database.error ?? "unreachable"}`,
    health.broker.connected ? "broker connected" : "broker disconnected",
    `${health.ingestion.workers} ingestion worker${health.ingestion.workers === 1 ? "" : "s"}`,
    `lag ${formatDuration(health.ingestion.lag_s)}`,
  ];
  return parts.join(" · ");
}

export function HealthIndicator() {
  const health = useHealth();
  let state: "ok" | "degraded" | "down" | "unknown" = "unknown";
  let text = "Checking…";
  let title = "Checking the API's health";
  if (health.data && !health.isError) {
    state = health.data.status === "ok" ? "ok" : "degraded";
    text = health.data.status === "ok" ? "Healthy" : "Degraded";
    title = describe(health.data);
  } else if (health.isError) {
    state = "down";
    text = "API down";
    title = errorMessage(health.error);
  }
  return (
    <span
      className={`health health--${state}`}
      data-testid="health"
      data-status={state}
      title={title}
      role="status"
    >
      <span className="dot" aria-hidden="true" />
      <span className="health__text">{text}</span>
    </span>
  );
}
