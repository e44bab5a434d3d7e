// A failure risk as a number and a bar, coloured by level, readable without colour too (text label).
// A stale figure (old, or from before a repair) is greyed and says so: it is never shown as current.
import { formatDuration, formatFault, formatPercent } from "@/lib/format";
import type { RiskFreshness } from "@/lib/machine-state";
import { RISK_LABELS, riskLevel } from "@/lib/risk";

interface RiskBarProps {
  value: number | null | undefined;
  /** Wider label area for detail pages. */
  large?: boolean;
  /** The likely failure mode, already filtered by the likely-fault level (lib/likely-fault.ts). */
  fault?: string | null | undefined;
  /** How current the figure is; omitted: treated as current. */
  freshness?: RiskFreshness | undefined;
  /** The likely-fault level (the policy's enter threshold), where "High" starts. */
  level?: number | undefined;
}

/** The words under a stale figure, or null when it is current. */
export function staleText(freshness: RiskFreshness | undefined): string | null {
  if (!freshness) return null;
  if (freshness.kind === "before_repair") return "from before the repair — waiting for a new figure";
  if (freshness.kind === "old") return `stale: ${formatDuration(Math.round(freshness.ageS))} old`;
  return null;
}

export function RiskBar({ value, large = false, fault, freshness, level: ticketLevel }: RiskBarProps) {
  const stale = staleText(freshness);
  const level = stale ? "unknown" : riskLevel(value, ticketLevel);
  const width = value === null || value === undefined ? 0 : Math.min(100, Math.max(0, value * 100));
  return (
    <div
      className={`risk risk--${level}${large ? " risk--large" : ""}${stale ? " risk--stale" : ""}`}
      data-testid="risk"
      data-stale={stale ? freshness?.kind : "no"}
    >
      <div className="risk__text">
        <span className="risk__value" data-testid="risk-value" data-risk={value ?? ""}>
          {formatPercent(value)}
        </span>
        <span className="risk__label">{stale ? "Stale" : RISK_LABELS[level]}</span>
        {freshness?.kind === "current" && (
          <span className="risk__age muted small" data-testid="risk-age">
            {formatDuration(Math.round(freshness.ageS))} old
          </span>
        )}
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
      {stale ? (
        <p className="risk__stale small" data-testid="risk-stale">
          {stale}
        </p>
      ) : fault ? (
        <p className="risk__fault small" data-testid="likely-fault" data-fault={fault}>
          Likely fault: <strong>{formatFault(fault)}</strong>
        </p>
      ) : null}
    </div>
  );
}
