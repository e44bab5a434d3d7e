// The health light's hover text, with and without the details a signed-in caller gets.
import { describe, expect, it } from "vitest";

import type { Health } from "@/types/api";

import { describeHealth, hasDetails, healthPill } from "./describe-health";

const detailed: Health = {
  status: "degraded",
  database: { ok: true, error: null },
  broker: { connected: false },
  ingestion: { workers: 1, last_commit_at: null, lag_s: null, lagging: false, lag_limit_s: 30 },
};

describe("describeHealth", () => {
  it("names every part's state when the API sent the details", () => {
    expect(hasDetails(detailed)).toBe(true);
    expect(describeHealth(detailed)).toMatch(
      /^database ok · broker disconnected · 1 ingestion worker · lag /,
    );
  });

  it("says only the status when the API kept the details back from a rejected token", () => {
    // What GET /api/health answers to a token it no longer accepts, before the app signs the user out.
    const summary = { status: "ok" } as const;
    expect(hasDetails(summary)).toBe(false);
    expect(describeHealth(summary)).toBe("status ok (details need a valid sign-in)");
  });

  it("names the database's error when it is down", () => {
    const down: Health = { ...detailed, database: { ok: false, error: "connection refused" } };
    expect(describeHealth(down)).toContain("database down: connection refused");
  });
});

describe("healthPill", () => {
  const ok: Health = {
    status: "ok",
    database: { ok: true, error: null },
    broker: { connected: true },
    ingestion: { workers: 1, last_commit_at: null, lag_s: 2, lagging: false, lag_limit_s: 30 },
  };

  it("says the system is OK, not that the plant is healthy", () => {
    expect(healthPill(ok)).toEqual({ state: "ok", text: "System OK" });
  });

  it("says how far ingestion lags once the API calls it lagging", () => {
    const lagging = { ...ok, ingestion: { ...ok.ingestion, lag_s: 42.4, lagging: true } };
    expect(healthPill(lagging)).toEqual({ state: "lagging", text: "Ingestion lagging 42 s" });
  });

  it("says degraded when a part is down", () => {
    expect(healthPill({ status: "degraded" }).state).toBe("degraded");
  });
});
