// Why a ticket was opened, in short (board cards, a machine's ticket list): the driving signals in plant
// units against the type's normal; tickets from before signals were stored fall back to their key features.
import { formatFeatureName, formatNumber, formatPercent, keyFeatures } from "@/lib/format";
import { describeSignal } from "@/lib/signal-line";
import type { TicketReason as Reason } from "@/types/api";

interface TicketReasonProps {
  /** Null for a ticket someone opened by hand. */
  reason: Reason | null;
  /** How many signals (or features) to list; all of them when omitted. */
  featureCount?: number;
}

export function TicketReason({ reason, featureCount }: TicketReasonProps) {
  if (reason === null) return <p className="reason small muted">Opened by hand.</p>;
  const signals = reason.signals ?? [];
  if (signals.length > 0) {
    return (
      <div className="reason">
        <ul className="reason__signals small" aria-label="Driving signals">
          {signals.slice(0, featureCount ?? signals.length).map((line) => {
            const d = describeSignal(line, reason.baseline?.machine_type);
            return (
              <li key={line.signal} data-signal={line.signal}>
                <strong>{d.value}</strong>
                {d.normal && <span> — {d.normal}</span>}
                {d.trend && <span> — {d.trend}</span>}
              </li>
            );
          })}
        </ul>
      </div>
    );
  }
  const total = reason.features ? Object.keys(reason.features).length : 0;
  const features = keyFeatures(reason.features ?? null, featureCount ?? total);
  return (
    <div className="reason">
      <p className="reason__summary small">
        Risk <strong>{formatPercent(reason.failure_prob)}</strong> by model{" "}
        <code>{reason.model_version}</code>
      </p>
      {features.length > 0 && (
        <ul className="reason__features" aria-label="Key features">
          {features.map(([name, value]) => (
            <li key={name}>
              <span>{formatFeatureName(name)}</span> <strong>{formatNumber(value, 3)}</strong>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
