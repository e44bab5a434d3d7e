// Why a ticket was opened: the model, the risk it saw and the features that moved most.
import { formatDateTime, formatFeatureName, formatNumber, formatPercent, keyFeatures } from "@/lib/format";
import type { TicketReason as Reason } from "@/types/api";

interface TicketReasonProps {
  /** Null for a ticket someone opened by hand. */
  reason: Reason | null;
  /** How many features to list; all of them when omitted. */
  featureCount?: number;
}

export function TicketReason({ reason, featureCount }: TicketReasonProps) {
  if (reason === null) return <p className="reason small muted">Opened by hand.</p>;
  const total = reason.features ? Object.keys(reason.features).length : 0;
  const features = keyFeatures(reason.features, featureCount ?? total);
  return (
    <div className="reason">
      <p className="reason__summary">
        Risk <strong>{formatPercent(reason.failure_prob)}</strong>, anomaly score{" "}
        {formatNumber(reason.anomaly_score, 2)} by model <code>{reason.model_version}</code> at{" "}
        {formatDateTime(reason.prediction_ts)}
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
