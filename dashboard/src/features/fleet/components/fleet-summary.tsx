// The numbers at the top of the fleet view, about the plant: machines, running, needing attention, tickets.
import { attentionReason, operatingState } from "@/lib/machine-state";
import type { Machine } from "@/types/api";

export function summarizeFleet(machines: Machine[], likelyFaultLevel: number, now: Date = new Date()) {
  const reasons = machines.map((m) => attentionReason(m, likelyFaultLevel, now));
  return {
    machines: machines.length,
    running: machines.filter((m) => operatingState(m, likelyFaultLevel, now) === "running").length,
    // At risk (a current risk at the likely-fault level), tripped, or silent: each needs someone to look.
    attention: reasons.filter((r) => r !== null).length,
    atRisk: reasons.filter((r) => r === "at_risk").length,
    tripped: reasons.filter((r) => r === "tripped").length,
    silent: reasons.filter((r) => r === "no_data").length,
    openTickets: machines.reduce((total, m) => total + m.open_tickets, 0),
  };
}

export function FleetSummary({ machines, level, now }: { machines: Machine[]; level: number; now: Date }) {
  const s = summarizeFleet(machines, level, now);
  const parts = [
    s.atRisk ? `${s.atRisk} at risk` : "",
    s.tripped ? `${s.tripped} tripped` : "",
    s.silent ? `${s.silent} no data` : "",
  ].filter(Boolean);
  return (
    <section className="stats" aria-label="Fleet summary">
      <div className="stat" data-testid="stat-machines">
        <span className="stat__value">{s.machines}</span>
        <span className="stat__label">Machines</span>
      </div>
      <div className="stat" data-testid="stat-running">
        <span className="stat__value">
          {s.running}
          <small> / {s.machines}</small>
        </span>
        <span className="stat__label">Running</span>
      </div>
      <div
        className={`stat${s.attention > 0 ? " stat--alert" : ""}`}
        data-testid="stat-at-risk"
        data-count={s.attention}
      >
        <span className="stat__value">{s.attention}</span>
        <span className="stat__label">Need attention</span>
        {parts.length > 0 && <span className="stat__detail small">{parts.join(" · ")}</span>}
      </div>
      <div className="stat" data-testid="stat-open-tickets">
        <span className="stat__value">{s.openTickets}</span>
        <span className="stat__label">Open tickets</span>
      </div>
    </section>
  );
}
