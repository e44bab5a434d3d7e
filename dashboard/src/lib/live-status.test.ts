// The poll interval follows the live stream: slow while it is up, normal without it or after a failure.
import { afterEach, describe, expect, it } from "vitest";

import { env } from "@/config/env";

import { LIVE_POLL_MS, pollInterval, setLiveState } from "./live-status";

const ok = { state: { status: "success" } };
const failed = { state: { status: "error" } };

describe("pollInterval", () => {
  afterEach(() => setLiveState("connecting"));

  it("polls slowly as a safety net while the stream is live", () => {
    setLiveState("live");
    expect(pollInterval(ok)).toBe(LIVE_POLL_MS);
  });

  it("falls back to the normal poll without the stream", () => {
    setLiveState("offline");
    expect(pollInterval(ok)).toBe(env.pollIntervalMs);
  });

  it("polls normally a query whose last fetch failed, even with the stream up", () => {
    setLiveState("live");
    expect(pollInterval(failed)).toBe(env.pollIntervalMs);
  });
});
