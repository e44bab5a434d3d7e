// One machine in the fleet view: who it is, what it is doing, what it measures and how risky it is.
import { Link } from "react-router";

import { ReadingsList } from "@/components/readings-list";
import { RiskBar } from "@/components/risk-bar";
import { StateBadge } from "@/components/state-badge";
import { paths } from "@/config/paths";
import { formatAge } from "@/lib/format";
import { likelyFault } from "@/lib/likely-fault";
import { operatingState, riskFreshness, silenceText } from "@/lib/machine-state";
import { riskLevel } from "@/lib/risk";
import type { Machine } from "@/types/api";

interface MachineCardProps {
  machine: Machine;
  /** The likely-fault level (the policy's enter threshold). */
  level: number;
  now: Date;
}

export function MachineCard({ machine, level, now }: MachineCardProps) {
  const reading = machine.latest_reading;
  const prediction = machine.latest_prediction;
  const risk = prediction?.failure_prob ?? null;
  const state = operatingState(machine, level, now);
  const freshness = riskFreshness(machine, now);
  const current = freshness.kind === "current";
  return (
    <article
      className={`card machine-card machine-card--${current ? riskLevel(risk, level) : "unknown"} machine-card--${state}`}
      data-testid="machine-card"
      data-machine-id={machine.id}
      data-state={state}
    >
      <header className="machine-card__head">
        <div>
          <h2 className="machine-card__name">
            <Link to={paths.machine.href(machine.id)}>{machine.name}</Link>
          </h2>
          <p className="muted small">
            {machine.type}
            {machine.location ? ` · ${machine.location}` : ""}
            {machine.gateway_id ? ` · ${machine.gateway_id}${machine.online ? "" : " (offline)"}` : ""}
          </p>
        </div>
        <StateBadge state={state} detail={state === "no_data" ? silenceText(machine, now) : undefined} />
      </header>
      <RiskBar
        value={risk}
        freshness={freshness}
        level={level}
        fault={current ? likelyFault(risk, prediction?.fault, level) : null}
      />
      <ReadingsList reading={reading} />
      <footer className="machine-card__foot small">
        <span className={machine.open_tickets > 0 ? "tickets-count tickets-count--open" : "tickets-count"}>
          {machine.open_tickets} open {machine.open_tickets === 1 ? "ticket" : "tickets"}
        </span>
        <span className={state === "no_data" ? "silence" : "muted"} data-testid="reading-age">
          {state === "no_data"
            ? silenceText(machine, now)
            : reading
              ? `read ${formatAge(reading.ts, now)}`
              : ""}
        </span>
      </footer>
    </article>
  );
}
