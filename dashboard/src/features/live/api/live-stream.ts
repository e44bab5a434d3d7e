// The live stream (GET /api/stream, Server-Sent Events): predictions, tickets and gateway changes patched
// into the query cache as they happen. While it is up, live views poll only slowly (lib/live-status).
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";

import { env } from "@/config/env";
import { api } from "@/lib/api-client";
import { getLiveState, setLiveState, subscribeLiveState } from "@/lib/live-status";
import { queryKeys } from "@/lib/query-keys";
import type { Gateway, Machine, PredictionEvent, PredictionSeries, Ticket } from "@/types/api";

import { appendPrediction, patchMachines, upsertGateway, withPrediction } from "./apply-event";

/** Wait before opening a stream the server closed (EventSource gives up on a non-200 answer). */
const RETRY_MS = 5_000;
/** Readings are not streamed; a machine's charts refetch them at most this often while it predicts. */
const READINGS_REFRESH_MS = 5_000;

function parse<T>(event: MessageEvent<string>): T | null {
  try {
    return JSON.parse(event.data) as T;
  } catch {
    console.warn("unreadable live event", event.type, event.data);
    return null;
  }
}

/** Apply the three kinds of event to ``client``'s cache. */
export function cacheUpdater(client: QueryClient, now: () => number = Date.now) {
  const readingsRefreshed = new Map<string, number>();
  return {
    prediction(event: PredictionEvent): void {
      client.setQueryData<Machine[]>(queryKeys.machines(), (old) => old && patchMachines(old, event));
      client.setQueryData<Machine>(
        queryKeys.machine(event.machine_id),
        (old) => old && withPrediction(old, event),
      );
      client.setQueriesData<PredictionSeries>(
        { queryKey: queryKeys.predictions(event.machine_id) },
        (old) => old && appendPrediction(old, event),
      );
      const last = readingsRefreshed.get(event.machine_id) ?? 0;
      if (now() - last >= READINGS_REFRESH_MS) {
        readingsRefreshed.set(event.machine_id, now());
        void client.invalidateQueries({ queryKey: queryKeys.readings(event.machine_id) });
      }
    },
    ticket(ticket: Ticket): void {
      client.setQueryData(queryKeys.ticket(ticket.id), ticket);
      // Lists are filtered, sorted and paginated on the server: refetch them rather than guess.
      void client.invalidateQueries({ queryKey: queryKeys.ticketLists() });
      void client.invalidateQueries({ queryKey: queryKeys.machineTickets(ticket.machine_id) });
      void client.invalidateQueries({ queryKey: queryKeys.ticketEvents(ticket.id) });
      void client.invalidateQueries({ queryKey: queryKeys.machines(), exact: true });
      void client.invalidateQueries({ queryKey: queryKeys.machine(ticket.machine_id), exact: true });
    },
    gateway(gateway: Gateway): void {
      client.setQueryData<Gateway[]>(queryKeys.gateways(), (old) => old && upsertGateway(old, gateway));
      void client.invalidateQueries({ queryKey: queryKeys.machines(), exact: true });
    },
  };
}

/** Open the stream for ``token`` and keep it open; returns the function that closes it for good. */
export function connectLiveStream(client: QueryClient, token: string): () => void {
  const update = cacheUpdater(client);
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let reopening = false;

  const open = () => {
    setLiveState("connecting");
    source = new EventSource(`${env.apiUrl}/stream?access_token=${encodeURIComponent(token)}`);
    source.onopen = () => {
      setLiveState("live");
      // Whatever changed while the stream was down is only in the server's answers: refetch once.
      if (reopening) void client.invalidateQueries();
      reopening = true;
    };
    source.onerror = () => {
      // Views were polling slowly while live: refetch now, which also puts them back on the normal poll.
      if (getLiveState() === "live") void client.invalidateQueries();
      setLiveState("offline");
      if (source?.readyState !== EventSource.CLOSED || closed) return; // the browser reconnects itself
      // Refused (e.g. the token expired): /auth/me signs the user out on a 401; otherwise try again later.
      void api.get("/auth/me").catch(() => undefined);
      retry = setTimeout(open, RETRY_MS);
    };
    source.addEventListener("prediction", (e) => {
      const data = parse<PredictionEvent>(e);
      if (data) update.prediction(data);
    });
    source.addEventListener("ticket", (e) => {
      const data = parse<Ticket>(e);
      if (data) update.ticket(data);
    });
    source.addEventListener("gateway", (e) => {
      const data = parse<Gateway>(e);
      if (data) update.gateway(data);
    });
  };

  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
    setLiveState("offline");
  };
}

/** Keep the live stream open while signed in with ``token``. */
export function useLiveStream(token: string | null): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!token || typeof EventSource === "undefined") return undefined;
    return connectLiveStream(client, token);
  }, [client, token]);
}

/** The stream's state for the indicator in the top bar. */
export function useLiveState() {
  return useSyncExternalStore(subscribeLiveState, getLiveState);
}
