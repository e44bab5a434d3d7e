// One machine in the fleet view: who it is, whether it is online, what it measures and how risky it is.
import { Link } from "react-router";

import { OnlineBadge } from "@/components/badges";
import { ReadingsList } from "@/components/readings-list";
import { RiskBar } from "@/components/risk-bar";
import { paths } from "@/config/paths";
import { formatAge } from "@/lib/format";
import { riskLevel } from "@/lib/risk";
import type { Machine } from "@/types/api";

export function MachineCard({ machine }: { machine: Machine }) {
  const reading = machine.latest_reading;
  const risk = machine.latest_prediction?.failure_prob ?? null;
  return (
    <article
      className={`card machine-card machine-card--${riskLevel(risk)}`}
      data-testid="machine-card"
      data-machine-id={machine.id}
    >
      <header className="machine-card__head">
        <div>
          <h2 className="machine-card__name">
            <Link to={paths.machine.href(machine.id)}>{machine.name}</Link>
          </h2>
          <p className="muted small">
            {machine.type}
            {machine.location ? ` · ${machine.location}` : ""}
            {machine.gateway_id ? ` · ${machine.gateway_id}` : ""}
          </p>
        </div>
        <OnlineBadge online={machine.online} />
      </header>
      <RiskBar value={risk} fault={machine.latest_prediction?.fault} />
      <ReadingsList reading={reading} />
      <footer className="machine-card__foot small">
        <span className={machine.open_tickets > 0 ? "tickets-count tickets-count--open" : "tickets-count"}>
          {machine.open_tickets} open {machine.open_tickets === 1 ? "ticket" : "tickets"}
        </span>
        <span className="muted">{reading ? `read ${formatAge(reading.ts)}` : "no readings yet"}</span>
      </footer>
    </article>
  );
}
