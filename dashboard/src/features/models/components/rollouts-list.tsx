// Rollouts, newest first, with gateway counts by state; a row opens its gateways (state, serving version,
// shadow agreement and latency). Engineers advance or roll back; the API's refusal (409) is shown as is.
import { useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatDateTime, formatNumber, formatPercent } from "@/lib/format";
import type { RolloutGateway, RolloutSummary } from "@/types/api";

import { useAdvanceRollout, useRollbackRollout, useRollout, useRollouts } from "../api/registry";

// A plain stack of cards (the shared stylesheet has no list class for it).
const LIST_STYLE = { listStyle: "none", padding: 0, margin: "0.75rem 0", display: "grid", gap: "0.75rem" };

function stageText(r: RolloutSummary): string {
  const share = r.stages[r.stage];
  return `${r.stage + 1} of ${r.stages.length} (${formatPercent(share ?? null)})`;
}

/** One of the shadow figures a gateway reported, or null: the API passes the agent's report on as it came. */
function shadowFigure(g: RolloutGateway, key: string): number | null {
  const value = g.shadow?.[key];
  return typeof value === "number" ? value : null;
}

function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([state, n]) => `${n} ${state}`);
  return parts.length > 0 ? parts.join(", ") : "no gateway yet";
}

function RolloutGateways({ id }: { id: string }) {
  const rollout = useRollout(id);
  if (rollout.isPending) return <Loading what="gateways of the rollout" />;
  if (rollout.isError && !rollout.data) return <ErrorBanner error={rollout.error} />;
  return (
    <div className="table-wrap" data-testid="rollout-gateways">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Gateway</th>
            <th scope="col">State</th>
            <th scope="col">Serving</th>
            <th scope="col" className="num">
              Agreement
            </th>
            <th scope="col" className="num">
              p95 latency
            </th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {rollout.data.gateways.map((g) => (
            <tr key={g.gateway_id} data-testid="rollout-gateway" data-gateway-id={g.gateway_id}>
              <th scope="row" data-label="Gateway">
                <code>{g.gateway_id}</code>
              </th>
              <td data-label="State">{g.state}</td>
              <td data-label="Serving">{g.serving ?? "—"}</td>
              <td data-label="Agreement" className="num">
                {formatPercent(shadowFigure(g, "agreement"), 1)}
              </td>
              <td data-label="p95 latency" className="num">
                {formatNumber(shadowFigure(g, "challenger_latency_ms_p95"), 1, "ms")}
              </td>
              <td data-label="Detail">{g.detail ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RolloutsList({ canManage }: { canManage: boolean }) {
  const rollouts = useRollouts();
  const advance = useAdvanceRollout();
  const rollback = useRollbackRollout();
  const [open, setOpen] = useState<string | null>(null);
  if (rollouts.isPending) return <Loading what="rollouts" />;
  if (rollouts.isError && !rollouts.data)
    return <ErrorBanner error={rollouts.error} title="Could not load rollouts" />;
  const busy = advance.isPending || rollback.isPending;
  return (
    <>
      {advance.isError && <ErrorBanner error={advance.error} title="Could not advance" />}
      {rollback.isError && <ErrorBanner error={rollback.error} title="Could not roll back" />}
      {rollouts.data.items.length === 0 ? (
        <Empty>No rollout yet.</Empty>
      ) : (
        <ul aria-label="Rollouts" style={LIST_STYLE}>
          {rollouts.data.items.map((r) => (
            <li
              key={r.id}
              className="card"
              data-testid="rollout-row"
              data-rollout-id={r.id}
              data-state={r.state}
            >
              <div className="page-head">
                <div>
                  <strong>
                    <code>{r.version}</code> → {r.target}
                  </strong>{" "}
                  <span className="badge">{r.mode}</span> <span className="badge">{r.state}</span>
                  <p className="muted small">
                    Stage {stageText(r)} · {countsText(r.counts)} · started {formatDateTime(r.created_at)}
                  </p>
                </div>
                <div className="actions">
                  <button
                    type="button"
                    className="button button--ghost"
                    aria-expanded={open === r.id}
                    data-testid="rollout-toggle"
                    onClick={() => setOpen(open === r.id ? null : r.id)}
                  >
                    {open === r.id ? "Hide gateways" : "Gateways"}
                  </button>
                  {canManage && r.state === "active" && (
                    <>
                      <button
                        type="button"
                        className="button button--primary"
                        data-testid="advance-rollout"
                        disabled={busy}
                        onClick={() => advance.mutate({ id: r.id, force: false })}
                      >
                        Advance
                      </button>
                      <button
                        type="button"
                        className="button"
                        data-testid="rollback-rollout"
                        disabled={busy}
                        onClick={() => rollback.mutate({ id: r.id })}
                      >
                        Roll back
                      </button>
                    </>
                  )}
                </div>
              </div>
              {open === r.id && <RolloutGateways id={r.id} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
