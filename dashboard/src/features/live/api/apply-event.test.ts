// Live-stream events patch the cached fleet, charts and gateways without a refetch.
import { describe, expect, it } from "vitest";

import { testMachine } from "@/test/fixtures";
import type { Gateway, Machine, PredictionEvent, PredictionSeries } from "@/types/api";

import { appendPrediction, patchMachines, upsertGateway } from "./apply-event";

const event: PredictionEvent = {
  machine_id: "m1",
  ts: "2026-11-26T12:00:10Z",
  failure_prob: 0.91,
  anomaly_score: 2.5,
  is_anomaly: true,
  model_version: "m-1",
  fault: "bearing_wear",
};

function machine(id: string, ts: string | null): Machine {
  return testMachine({
    id,
    name: id,
    latest_prediction: ts
      ? { ts, failure_prob: 0.1, anomaly_score: 0, is_anomaly: false, model_version: "m-1" }
      : null,
  });
}

describe("patchMachines", () => {
  it("sets the latest prediction of the machine the event is about, and only that one", () => {
    const fleet = [machine("m1", "2026-11-26T12:00:00Z"), machine("m2", null)];
    const next = patchMachines(fleet, event);
    expect(next[0]?.latest_prediction?.failure_prob).toBe(0.91);
    expect(next[0]?.latest_prediction?.fault).toBe("bearing_wear");
    expect(next[1]).toBe(fleet[1]);
  });

  it("ignores an event older than what the machine already shows", () => {
    const fleet = [machine("m1", "2026-11-26T12:01:00Z")];
    expect(patchMachines(fleet, event)).toBe(fleet);
  });
});

describe("appendPrediction", () => {
  const series: PredictionSeries = {
    machine_id: "m1",
    start: "2026-11-26T11:00:00Z",
    end: "2026-11-26T12:00:00Z",
    points: [
      {
        ts: "2026-11-26T11:00:05Z",
        failure_prob: 0.1,
        anomaly_score: 0,
        is_anomaly: false,
        model_version: "m-1",
      },
      {
        ts: "2026-11-26T11:59:00Z",
        failure_prob: 0.5,
        anomaly_score: 1,
        is_anomaly: false,
        model_version: "m-1",
      },
    ],
  };

  it("appends the point and slides the window, dropping what fell out of it", () => {
    const next = appendPrediction(series, event);
    expect(next.end).toBe(event.ts);
    expect(next.start).toBe("2026-11-26T11:00:10.000Z");
    expect(next.points.map((p) => p.ts)).toEqual(["2026-11-26T11:59:00Z", event.ts]);
  });

  it("leaves another machine's series, and a stale point, alone", () => {
    expect(appendPrediction(series, { ...event, machine_id: "m2" })).toBe(series);
    expect(appendPrediction(series, { ...event, ts: "2026-11-26T11:30:00Z" })).toBe(series);
  });
});

describe("upsertGateway", () => {
  const gw = (id: string, online: boolean): Gateway => ({
    id,
    online,
    last_seen: null,
    agent_version: null,
    model_version: null,
    outbox_depth: 0,
    dropped: {},
    last_error: null,
    machine_count: 1,
    pending_machines: 0,
    foreign_rows: 0,
    clock_offset_s: null,
    clock_offset_at: null,
    late_rows: 0,
  });

  it("replaces a known gateway in place and adds a new one in id order", () => {
    const list = [gw("gw-01", true), gw("gw-03", true)];
    expect(upsertGateway(list, gw("gw-01", false)).map((g) => g.online)).toEqual([false, true]);
    expect(upsertGateway(list, gw("gw-02", true)).map((g) => g.id)).toEqual(["gw-01", "gw-02", "gw-03"]);
  });
});
