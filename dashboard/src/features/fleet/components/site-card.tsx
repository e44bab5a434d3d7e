// One site on the plant page: its name and description, its lines with their machine counts, and (for
// engineers) rename, delete when empty, and add, rename or delete (when empty) each line.
import { useState } from "react";

import { ErrorBanner } from "@/components/feedback";
import type { Line, Site } from "@/types/api";

import { useHierarchyChange } from "../api/hierarchy";
import { NameForm } from "./name-form";

interface SiteCardProps {
  site: Site;
  lines: Line[];
  mayEdit: boolean;
}

export function SiteCard({ site, lines, mayEdit }: SiteCardProps) {
  const change = useHierarchyChange();
  const [editing, setEditing] = useState(false);
  const [editingLine, setEditingLine] = useState<string | null>(null);
  return (
    <section
      className="card site-card"
      data-testid="site-card"
      data-site-name={site.name}
      aria-label={site.name}
    >
      {editing ? (
        <NameForm
          label={`Rename ${site.name}`}
          submitLabel="Save site"
          initialName={site.name}
          initialDescription={site.description}
          withDescription
          pending={change.isPending}
          error={change.error}
          testId="site-edit-form"
          onCancel={() => setEditing(false)}
          onSubmit={(name, description) =>
            change.mutate(
              { kind: "update-site", id: site.id, name, description },
              { onSuccess: () => setEditing(false) },
            )
          }
        />
      ) : (
        <header className="site-card__head">
          <div>
            <h2 className="card-title">{site.name}</h2>
            {site.description ? <p className="muted small">{site.description}</p> : null}
          </div>
          {mayEdit ? (
            <div className="actions">
              <button type="button" className="button button--ghost" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button
                type="button"
                className="button button--ghost"
                disabled={lines.length > 0 || change.isPending}
                title={lines.length > 0 ? "Delete or move its lines first" : undefined}
                onClick={() => change.mutate({ kind: "delete-site", id: site.id })}
              >
                Delete site
              </button>
            </div>
          ) : null}
        </header>
      )}
      {!editing && change.isError ? (
        <ErrorBanner error={change.error} title="Could not change the site" />
      ) : null}
      {lines.length === 0 ? (
        <p className="muted small">No lines yet.</p>
      ) : (
        <ul className="line-list">
          {lines.map((line) => (
            <li key={line.id} data-testid="line-row" data-line-name={line.name}>
              {editingLine === line.id ? (
                <NameForm
                  label={`Rename ${line.name}`}
                  submitLabel="Save line"
                  initialName={line.name}
                  pending={change.isPending}
                  error={change.error}
                  testId="line-edit-form"
                  onCancel={() => setEditingLine(null)}
                  onSubmit={(name) =>
                    change.mutate(
                      { kind: "update-line", id: line.id, name, siteId: line.site_id },
                      { onSuccess: () => setEditingLine(null) },
                    )
                  }
                />
              ) : (
                <>
                  <span className="line-list__name">{line.name}</span>
                  <span className="muted small">
                    {line.machine_count} {line.machine_count === 1 ? "machine" : "machines"}
                  </span>
                  {mayEdit ? (
                    <span className="actions">
                      <button
                        type="button"
                        className="button button--ghost"
                        onClick={() => setEditingLine(line.id)}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="button button--ghost"
                        disabled={line.machine_count > 0 || change.isPending}
                        title={line.machine_count > 0 ? "Move its machines first" : undefined}
                        onClick={() => change.mutate({ kind: "delete-line", id: line.id })}
                      >
                        Delete line
                      </button>
                    </span>
                  ) : null}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayEdit ? <AddLine siteId={site.id} siteName={site.name} /> : null}
    </section>
  );
}

function AddLine({ siteId, siteName }: { siteId: string; siteName: string }) {
  const change = useHierarchyChange();
  // A new form after each success, so the name field starts empty again.
  const [round, setRound] = useState(0);
  return (
    <NameForm
      key={round}
      label={`New line in ${siteName}`}
      submitLabel="Add line"
      pending={change.isPending}
      error={change.error}
      testId="line-create-form"
      onSubmit={(name) =>
        change.mutate({ kind: "create-line", siteId, name }, { onSuccess: () => setRound((r) => r + 1) })
      }
    />
  );
}
