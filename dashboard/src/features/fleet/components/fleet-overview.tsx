// The fleet view: summary numbers, then one card per machine, riskiest first.
import { useMemo } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { compareByRisk } from "@/lib/risk";

import { useMachines } from "../api/get-machines";
import { FleetSummary } from "./fleet-summary";
import { MachineCard } from "./machine-card";

export function FleetOverview() {
  const machines = useMachines();
  const sorted = useMemo(
    () =>
      [...(machines.data ?? [])].sort((a, b) =>
        compareByRisk(
          { name: a.name, risk: a.latest_prediction?.failure_prob ?? null },
          { name: b.name, risk: b.latest_prediction?.failure_prob ?? null },
        ),
      ),
    [machines.data],
  );

  if (machines.isPending) return <Loading what="machines" />;
  if (machines.isError && !machines.data)
    return <ErrorBanner error={machines.error} title="Could not load machines" />;
  return (
    <>
      {machines.isError && <ErrorBanner error={machines.error} title="Showing older data" />}
      <FleetSummary machines={sorted} />
      {sorted.length === 0 ? (
        <Empty>No machines yet. They appear here as soon as their gateway sends data.</Empty>
      ) : (
        <div className="machine-grid">
          {sorted.map((m) => (
            <MachineCard key={m.id} machine={m} />
          ))}
        </div>
      )}
    </>
  );
}
