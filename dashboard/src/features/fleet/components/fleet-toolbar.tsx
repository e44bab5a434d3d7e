// The fleet view's controls: site and line filters, sort and direction, and cards or table. Each change
// goes into the URL's query (fleet-view.ts), so the browser's back button and shared links keep the view.
import type { Line, Site } from "@/types/api";

import { type FleetView, SORT_KEYS, SORT_LABELS, type SortKey } from "../api/fleet-view";

interface FleetToolbarProps {
  view: FleetView;
  sites: Site[];
  lines: Line[];
  /** Called with a change to apply to the view as it is when the change lands (see fleet-overview.tsx). */
  onChange: (update: (view: FleetView) => FleetView) => void;
}

export function FleetToolbar({ view, sites, lines, onChange }: FleetToolbarProps) {
  const linesShown = view.siteId ? lines.filter((l) => l.site_id === view.siteId) : lines;
  return (
    <div className="filters fleet-toolbar" role="group" aria-label="Fleet view">
      <label className="field">
        <span>Site</span>
        <select
          name="site"
          value={view.siteId ?? ""}
          onChange={(e) => {
            const siteId = e.target.value || null;
            onChange((v) => ({ ...v, siteId, lineId: null }));
          }}
        >
          <option value="">All sites</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Line</span>
        <select
          name="line"
          value={view.lineId ?? ""}
          onChange={(e) => {
            const line = lines.find((l) => l.id === e.target.value);
            onChange((v) => ({ ...v, lineId: line?.id ?? null, siteId: line?.site_id ?? v.siteId }));
          }}
        >
          <option value="">All lines</option>
          {linesShown.map((l) => (
            <option key={l.id} value={l.id}>
              {view.siteId ? l.name : `${l.site_name} / ${l.name}`}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Sort by</span>
        <select
          name="sort"
          value={view.sort}
          onChange={(e) => {
            const sort = e.target.value as SortKey;
            onChange((v) => ({ ...v, sort }));
          }}
        >
          {SORT_KEYS.map((k) => (
            <option key={k} value={k}>
              {SORT_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button button--ghost"
        aria-label={
          view.dir === "asc" ? "Ascending; switch to descending" : "Descending; switch to ascending"
        }
        onClick={() => onChange((v) => ({ ...v, dir: v.dir === "asc" ? "desc" : "asc" }))}
      >
        {view.dir === "asc" ? "▲ Ascending" : "▼ Descending"}
      </button>
      <div className="segmented" role="group" aria-label="Layout">
        {(["cards", "table"] as const).map((layout) => (
          <button
            key={layout}
            type="button"
            className="button button--ghost"
            aria-pressed={view.layout === layout}
            onClick={() => onChange((v) => ({ ...v, layout }))}
          >
            {layout === "cards" ? "Cards" : "Table"}
          </button>
        ))}
      </div>
    </div>
  );
}
