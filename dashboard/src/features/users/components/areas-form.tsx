// Choosing the sites and lines a person works at: one checkbox per site (the whole site) and per line.
import { type FormEvent, useState } from "react";

import { ErrorBanner } from "@/components/feedback";
import type { Line, Site, UserAreas } from "@/types/api";

import { useSetUserAreas } from "../api/users";

interface AreasFormProps {
  userId: string;
  userName: string;
  areas: UserAreas | undefined;
  sites: Site[];
  lines: Line[];
  onDone: () => void;
}

function toggled(set: Set<string>, id: string, on: boolean): Set<string> {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

export function AreasForm({ userId, userName, areas, sites, lines, onDone }: AreasFormProps) {
  const save = useSetUserAreas();
  const [siteIds, setSiteIds] = useState(() => new Set(areas?.sites.map((s) => s.id) ?? []));
  const [lineIds, setLineIds] = useState(() => new Set(areas?.lines.map((l) => l.id) ?? []));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ userId, areas: { site_ids: [...siteIds], line_ids: [...lineIds] } }, { onSuccess: onDone });
  };
  return (
    <form
      className="areas-form"
      onSubmit={submit}
      aria-label={`Sites and lines of ${userName}`}
      data-testid="areas-form"
    >
      {sites.length === 0 ? <p className="muted small">No sites yet: add them on the Plant page.</p> : null}
      {sites.map((site) => (
        <fieldset key={site.id} className="areas-form__site">
          <legend>
            <label>
              <input
                type="checkbox"
                checked={siteIds.has(site.id)}
                onChange={(e) => setSiteIds(toggled(siteIds, site.id, e.target.checked))}
              />{" "}
              {site.name} (whole site)
            </label>
          </legend>
          {lines
            .filter((line) => line.site_id === site.id)
            .map((line) => (
              <label key={line.id} className="areas-form__line">
                <input
                  type="checkbox"
                  checked={lineIds.has(line.id)}
                  onChange={(e) => setLineIds(toggled(lineIds, line.id, e.target.checked))}
                />{" "}
                {site.name} / {line.name}
              </label>
            ))}
        </fieldset>
      ))}
      {save.isError ? <ErrorBanner error={save.error} title="Could not save" /> : null}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          Save sites and lines
        </button>
        <button type="button" className="button button--ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
