// Registered model versions: headline metrics, parity, signing and alias badges; engineers promote a
// version to champion or set it as challenger. A row opens the version's full metrics below the table.
import { useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatDateTime, formatNumber } from "@/lib/format";
import type { ModelVersion } from "@/types/api";

import { headlineMetrics, parityText } from "../api/model-logic";
import { useModels, useSetAlias } from "../api/registry";
import { VersionDetail } from "./version-detail";

const ALIAS_BADGE: Record<string, string> = {
  champion: "badge badge--status-resolved",
  challenger: "badge badge--status-in_progress",
};

function AliasBadges({ aliases }: { aliases: string[] }) {
  return (
    <span className="badges">
      {aliases.map((a) => (
        <span key={a} className={ALIAS_BADGE[a] ?? "badge"} data-testid={`alias-${a}`}>
          {a}
        </span>
      ))}
    </span>
  );
}

function metric(value: number | null): string {
  return formatNumber(value, 3);
}

export function VersionsTable({ canManage }: { canManage: boolean }) {
  const models = useModels();
  const setAlias = useSetAlias();
  const [open, setOpen] = useState<string | null>(null);
  if (models.isPending) return <Loading what="model versions" />;
  if (models.isError && !models.data)
    return <ErrorBanner error={models.error} title="Could not load model versions" />;
  if (models.data.length === 0)
    return <Empty>No model is registered yet: run `maintainx model register`.</Empty>;
  const selected: ModelVersion | undefined = models.data.find((m) => m.version === open);
  return (
    <>
      {setAlias.isError && <ErrorBanner error={setAlias.error} title="Could not move the alias" />}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Created</th>
              <th scope="col" className="num">
                F1
              </th>
              <th scope="col" className="num">
                Precision
              </th>
              <th scope="col" className="num">
                Recall
              </th>
              <th scope="col" className="num">
                AUC
              </th>
              <th scope="col">Parity</th>
              <th scope="col">Signed</th>
              <th scope="col">Aliases</th>
              {canManage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {models.data.map((m) => {
              const h = headlineMetrics(m.metrics);
              const busy = setAlias.isPending;
              return (
                <tr key={m.version} data-testid="model-row" data-version={m.version}>
                  <th scope="row" data-label="Version">
                    <button
                      type="button"
                      className="button button--ghost"
                      aria-expanded={open === m.version}
                      data-testid="model-details"
                      onClick={() => setOpen(open === m.version ? null : m.version)}
                    >
                      <code>{m.version}</code>
                    </button>
                  </th>
                  <td data-label="Created">{formatDateTime(m.created_at)}</td>
                  <td data-label="F1" className="num">
                    {metric(h.f1)}
                  </td>
                  <td data-label="Precision" className="num">
                    {metric(h.precision)}
                  </td>
                  <td data-label="Recall" className="num">
                    {metric(h.recall)}
                  </td>
                  <td data-label="AUC" className="num">
                    {metric(h.auc)}
                  </td>
                  <td data-label="Parity">{parityText(m.parity)}</td>
                  <td data-label="Signed" className={m.signed ? "" : "warn"}>
                    {m.signed ? "Signed" : "Unsigned"}
                  </td>
                  <td data-label="Aliases">
                    <AliasBadges aliases={m.aliases} />
                  </td>
                  {canManage && (
                    <td data-label="Actions">
                      <div className="actions">
                        <button
                          type="button"
                          className="button button--primary"
                          data-testid="promote-model"
                          disabled={busy || m.aliases.includes("champion")}
                          onClick={() => setAlias.mutate({ alias: "champion", version: m.version })}
                        >
                          Promote to champion
                        </button>
                        <button
                          type="button"
                          className="button"
                          data-testid="set-challenger"
                          disabled={busy || m.aliases.includes("challenger")}
                          onClick={() => setAlias.mutate({ alias: "challenger", version: m.version })}
                        >
                          Set challenger
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {selected && <VersionDetail model={selected} onClose={() => setOpen(null)} />}
    </>
  );
}
