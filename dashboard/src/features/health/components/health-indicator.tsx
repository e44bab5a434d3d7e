// The nav bar's health light, about the system (the fleet summary is about the plant): green "System OK",
// amber when ingestion lags or a part is degraded, red when the API is unreachable.
import { errorMessage } from "@/lib/api-client";

import { useHealth } from "../api/get-health";
import { describeHealth, healthPill } from "./describe-health";

export function HealthIndicator() {
  const health = useHealth();
  let state: "ok" | "lagging" | "degraded" | "down" | "unknown" = "unknown";
  let text = "Checking…";
  let title = "Checking the API's health";
  if (health.data && !health.isError) {
    ({ state, text } = healthPill(health.data));
    title = describeHealth(health.data);
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
