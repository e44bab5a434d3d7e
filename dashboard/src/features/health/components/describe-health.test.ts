// The health light's hover text, with and without the details a signed-in caller gets.
import { describe, expect, it } from "vitest";

import type { Health } from "@/types/api";

import { describeHealth, hasDetails } from "./describe-health";

const detailed: Health = {
  status: "degraded",
  database: { ok: true, error: null },
  broker: { connected: false },
  ingestion: { workers: 1, last_commit_at: null, lag_s: null },
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
