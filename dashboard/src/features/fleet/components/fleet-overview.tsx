// The fleet view: summary numbers, then one card per machine, those needing attention first, riskiest next.
import { useMemo } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { useLikelyFaultLevel } from "@/lib/likely-fault";
import { attentionReason, currentRisk } from "@/lib/machine-state";
import { compareByRisk } from "@/lib/risk";
import { useNow } from "@/lib/use-now";

import { useMachines } from "../api/get-machines";
import { FleetSummary } from "./fleet-summary";
import { MachineCard } from "./machine-card";

export function FleetOverview() {
  const machines = useMachines();
  const level = useLikelyFaultLevel();
  const now = useNow();
  const sorted = useMemo(() => {
    const needs = (m: Parameters<typeof attentionReason>[0]) => (attentionReason(m, level, now) ? 1 : 0);
    return [...(machines.data ?? [])].sort(
      (a, b) =>
        needs(b) - needs(a) ||
        compareByRisk(
          { name: a.name, risk: currentRisk(a, now) },
          { name: b.name, risk: currentRisk(b, now) },
        ),
    );
  }, [machines.data, level, now]);

  if (machines.isPending) return <Loading what="machines" />;
  if (machines.isError && !machines.data)
    return <ErrorBanner error={machines.error} title="Could not load machines" />;
  return (
    <>
      {machines.isError && <ErrorBanner error={machines.error} title="Showing older data" />}
      <FleetSummary machines={sorted} level={level} now={now} />
      {sorted.length === 0 ? (
        <Empty>No machines yet. They appear here as soon as their gateway sends data.</Empty>
      ) : (
        <div className="machine-grid">
          {sorted.map((m) => (
            <MachineCard key={m.id} machine={m} level={level} now={now} />
          ))}
        </div>
      )}
    </>
  );
}
