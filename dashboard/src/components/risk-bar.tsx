// A failure risk as a number and a bar, coloured by level, readable without colour too (text label).
import { formatFault, formatPercent } from "@/lib/format";
import { RISK_LABELS, riskLevel } from "@/lib/risk";

interface RiskBarProps {
  value: number | null | undefined;
  /** Wider label area for detail pages. */
  large?: boolean;
  /** The failure mode the model named for this risk, shown under the bar when there is one. */
  fault?: string | null | undefined;
}

export function RiskBar({ value, large = false, fault }: RiskBarProps) {
  const level = riskLevel(value);
  const width = value === null || value === undefined ? 0 : Math.min(100, Math.max(0, value * 100));
  return (
    <div className={`risk risk--${level}${large ? " risk--large" : ""}`}>
      <div className="risk__text">
        <span className="risk__value" data-testid="risk-value" data-risk={value ?? ""}>
          {formatPercent(value)}
        </span>
        <span className="risk__label">{RISK_LABELS[level]}</span>
      </div>
      <div
        className="risk__track"
        role="meter"
        aria-label="Failure risk"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(width)}
      >
        <div className="risk__fill" style={{ width: `${width}%` }} />
      </div>
      {fault ? (
        <p className="risk__fault small" data-testid="likely-fault" data-fault={fault}>
          Likely fault: <strong>{formatFault(fault)}</strong>
        </p>
      ) : null}
    </div>
  );
}
