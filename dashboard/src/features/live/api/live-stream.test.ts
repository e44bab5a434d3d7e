// The cache updater: events land in the right cached queries, and readings refetch at a bounded rate.
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";

import { queryKeys } from "@/lib/query-keys";
import { testMachine } from "@/test/fixtures";
import type { Machine, PredictionEvent, Ticket } from "@/types/api";

import { cacheUpdater } from "./live-stream";

const event: PredictionEvent = {
  machine_id: "m1",
  ts: "2026-11-26T12:00:10Z",
  failure_prob: 0.91,
  anomaly_score: 2.5,
  is_anomaly: true,
  model_version: "m-1",
};

const m1 = testMachine({ id: "m1", name: "Pump" });

describe("cacheUpdater", () => {
  it("patches the fleet and the machine with a prediction", () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.machines(), [m1]);
    client.setQueryData(queryKeys.machine("m1"), m1);
    cacheUpdater(client).prediction(event);
    expect(client.getQueryData<Machine[]>(queryKeys.machines())?.[0]?.latest_prediction?.failure_prob).toBe(
      0.91,
    );
    expect(client.getQueryData<Machine>(queryKeys.machine("m1"))?.latest_prediction?.ts).toBe(event.ts);
  });

  it("refreshes a machine's readings at most every few seconds", () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    let now = 100_000;
    const update = cacheUpdater(client, () => now);
    update.prediction(event);
    update.prediction({ ...event, ts: "2026-11-26T12:00:11Z" });
    now += 5_000;
    update.prediction({ ...event, ts: "2026-11-26T12:00:12Z" });
    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.readings("m1") });
  });

  it("stores a changed ticket and refetches the lists that may hold it", () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    const ticket = { id: "t1", machine_id: "m1", status: "IN_PROGRESS" } as Ticket;
    cacheUpdater(client).ticket(ticket);
    expect(client.getQueryData(queryKeys.ticket("t1"))).toBe(ticket);
    const keys = invalidate.mock.calls.map((call) => call[0]?.queryKey);
    expect(keys).toContainEqual(queryKeys.ticketLists());
    expect(keys).toContainEqual(queryKeys.machineTickets("m1"));
  });
});
