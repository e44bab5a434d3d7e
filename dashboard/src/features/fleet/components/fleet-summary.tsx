// The four numbers at the top of the fleet view: machines, online, at risk, open tickets.
import { isAtRisk } from "@/lib/risk";
import type { Machine } from "@/types/api";

export function summarizeFleet(machines: Machine[]) {
  return {
    machines: machines.length,
    online: machines.filter((m) => m.online).length,
    atRisk: machines.filter((m) => isAtRisk(m.latest_prediction?.failure_prob)).length,
    openTickets: machines.reduce((total, m) => total + m.open_tickets, 0),
  };
}

export function FleetSummary({ machines }: { machines: Machine[] }) {
  const s = summarizeFleet(machines);
  return (
    <section className="stats" aria-label="Fleet summary">
      <div className="stat" data-testid="stat-machines">
        <span className="stat__value">{s.machines}</span>
        <span className="stat__label">Machines</span>
      </div>
      <div className="stat" data-testid="stat-online">
        <span className="stat__value">
          {s.online}
          <small> / {s.machines}</small>
        </span>
        <span className="stat__label">Online</span>
      </div>
      <div className={`stat${s.atRisk > 0 ? " stat--alert" : ""}`} data-testid="stat-at-risk">
        <span className="stat__value">{s.atRisk}</span>
        <span className="stat__label">At risk</span>
      </div>
      <div className="stat" data-testid="stat-open-tickets">
        <span className="stat__value">{s.openTickets}</span>
        <span className="stat__label">Open tickets</span>
      </div>
    </section>
  );
}
