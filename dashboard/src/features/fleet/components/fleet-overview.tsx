// The fleet view: filters and layout from the URL, summary numbers for what is shown, then cards (those
// needing attention first, riskiest next, unless another sort was chosen) or the virtualised table.
import { useMemo } from "react";
import { useSearchParams } from "react-router";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { useLikelyFaultLevel } from "@/lib/likely-fault";
import { attentionReason, currentRisk } from "@/lib/machine-state";
import { compareByRisk } from "@/lib/risk";
import { useNow } from "@/lib/use-now";
import type { Machine } from "@/types/api";

import {
  type FleetView,
  filterMachines,
  fleetViewParams,
  parseFleetView,
  sortMachines,
  toggleSort,
} from "../api/fleet-view";
import { useMachines } from "../api/get-machines";
import { useLines, useSites } from "../api/hierarchy";
import { FleetSummary } from "./fleet-summary";
import { FleetTable } from "./fleet-table";
import { FleetToolbar } from "./fleet-toolbar";
import { MachineCard } from "./machine-card";

/** The cards' own default: whatever needs a person first, then the riskiest. */
function byAttention(machines: Machine[], level: number, now: Date): Machine[] {
  const needs = (m: Machine) => (attentionReason(m, level, now) ? 1 : 0);
  return [...machines].sort(
    (a, b) =>
      needs(b) - needs(a) ||
      compareByRisk({ name: a.name, risk: currentRisk(a, now) }, { name: b.name, risk: currentRisk(b, now) }),
  );
}

export function FleetOverview() {
  const machines = useMachines();
  const sites = useSites();
  const lines = useLines();
  const level = useLikelyFaultLevel();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const view = parseFleetView(params);
  // Read the URL as it is when the click lands, not as this render saw it: a thousand cards render in a
  // transition that a quick second click can interrupt, and a stale view would undo the first click.
  const setView = (update: (current: FleetView) => FleetView) =>
    setParams(fleetViewParams(update(parseFleetView(new URLSearchParams(window.location.search)))));
  const shown = useMemo(() => {
    const filtered = filterMachines(machines.data ?? [], view);
    const cardsDefault = view.layout === "cards" && view.sort === "risk" && view.dir === "desc";
    return cardsDefault
      ? byAttention(filtered, level, now)
      : sortMachines(filtered, view.sort, view.dir, level, now);
    // The view's fields, not the object parseFleetView makes on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [machines.data, view.siteId, view.lineId, view.sort, view.dir, view.layout, level, now]);

  if (machines.isPending) return <Loading what="machines" />;
  if (machines.isError && !machines.data)
    return <ErrorBanner error={machines.error} title="Could not load machines" />;
  return (
    <>
      {machines.isError && <ErrorBanner error={machines.error} title="Showing older data" />}
      <FleetToolbar view={view} sites={sites.data ?? []} lines={lines.data ?? []} onChange={setView} />
      <FleetSummary machines={shown} level={level} now={now} />
      {shown.length === 0 ? (
        <Empty>
          {machines.data.length === 0
            ? "No machines yet. They appear here as soon as their gateway sends data."
            : "No machine on this site or line."}
        </Empty>
      ) : view.layout === "table" ? (
        <FleetTable
          machines={shown}
          view={view}
          level={level}
          now={now}
          onSort={(key) => setView((current) => toggleSort(current, key))}
        />
      ) : (
        <div className="machine-grid">
          {shown.map((m) => (
            <MachineCard key={m.id} machine={m} level={level} now={now} />
          ))}
        </div>
      )}
    </>
  );
}
