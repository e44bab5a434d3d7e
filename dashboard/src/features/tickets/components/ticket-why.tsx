// Why a ticket exists, in the order a technician reads it: the likely fault, the time left, the signals that
// drove it in plant units against the machine type's normal, the model and rule; every feature folded away.
import { formatDateTime, formatFault, formatFeatureName, formatNumber, formatPercent } from "@/lib/format";
import type { Ticket } from "@/types/api";

import { describeSignal, timeLeft } from "@/lib/signal-line";
import { TicketChart } from "./ticket-chart";

export function TicketWhy({ ticket, now }: { ticket: Ticket; now: Date }) {
  const reason = ticket.reason;
  if (reason === null) return <p className="reason small muted">Opened by hand.</p>;
  const fault = reason.fault ?? ticket.fault;
  const left = ticket.status === "RESOLVED" ? null : timeLeft(reason.failure_expected_by, now);
  const machineType = reason.baseline?.machine_type;
  const features = Object.entries(reason.features ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="reason">
      <dl className="reason__facts">
        <div>
          <dt>Likely fault</dt>
          <dd data-testid="ticket-fault">
            {fault === "failure_risk" ? "Not named by the model" : formatFault(fault)}
          </dd>
        </div>
        {left && (
          <div>
            <dt>Time left</dt>
            <dd
              data-testid="ticket-time-left"
              title={`model horizon: failure expected by ${formatDateTime(reason.failure_expected_by)}`}
            >
              {left}
            </dd>
          </div>
        )}
        <div>
          <dt>Risk when opened</dt>
          <dd>
            {formatPercent(reason.confirmed_risk ?? reason.failure_prob)}
            {reason.policy
              ? ` (${reason.policy.n_of_m[0]} of the last ${reason.policy.n_of_m[1]} verdicts ≥ ${formatPercent(reason.policy.enter)})`
              : ""}
          </dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            <code data-testid="ticket-model">{reason.model_version}</code> at{" "}
            {formatDateTime(reason.prediction_ts)}
          </dd>
        </div>
      </dl>
      {(reason.signals ?? []).length > 0 && (
        <ul className="reason__signals" aria-label="Driving signals" data-testid="ticket-drivers">
          {(reason.signals ?? []).map((line) => {
            const d = describeSignal(line, machineType);
            return (
              <li key={line.signal} data-signal={line.signal} data-testid="ticket-driver">
                <strong>{d.value}</strong>
                {d.normal && <span> — {d.normal}</span>}
                {d.trend && <span> — {d.trend}</span>}
              </li>
            );
          })}
        </ul>
      )}
      <TicketChart ticket={ticket} />
      {reason.baseline && (
        <p className="muted small">
          Normal: {reason.baseline.predictions} recent low-risk predictions of {reason.baseline.machine_type}{" "}
          machines.
        </p>
      )}
      {features.length > 0 && (
        <details className="reason__all" data-testid="all-features">
          <summary>All features ({features.length})</summary>
          <ul className="reason__features">
            {features.map(([name, value]) => (
              <li key={name}>
                <span>{formatFeatureName(name)}</span> <strong>{formatNumber(value, 3)}</strong>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
