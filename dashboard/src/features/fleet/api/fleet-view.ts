// What the fleet view shows, read from and written to the URL's query (so a link opens the same view):
// which site and line, sorted by what in which direction, as cards or as a table. Pure functions only.
import { currentRisk, operatingState, type OperatingState } from "@/lib/machine-state";
import type { Machine } from "@/types/api";

export const SORT_KEYS = ["risk", "name", "last_seen", "status"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";
export type FleetLayout = "cards" | "table";

export interface FleetView {
  siteId: string | null;
  lineId: string | null;
  sort: SortKey;
  dir: SortDir;
  layout: FleetLayout;
}

/** The direction a column starts in when first clicked: riskiest and most recently seen first. */
export const DEFAULT_DIR: Record<SortKey, SortDir> = {
  risk: "desc",
  name: "asc",
  last_seen: "desc",
  status: "asc",
};

export const SORT_LABELS: Record<SortKey, string> = {
  risk: "Risk",
  name: "Name",
  last_seen: "Last seen",
  status: "Status",
};

/** Worst first when sorted ascending: what needs a person before what runs. */
const STATUS_RANK: Record<OperatingState, number> = { tripped: 0, no_data: 1, stopped: 2, running: 3 };

/** The view a query string asks for; unknown or malformed values fall back to the defaults. */
export function parseFleetView(params: URLSearchParams): FleetView {
  const sortParam = params.get("sort");
  const sort = (SORT_KEYS as readonly string[]).includes(sortParam ?? "") ? (sortParam as SortKey) : "risk";
  const dirParam = params.get("dir");
  const dir: SortDir = dirParam === "asc" || dirParam === "desc" ? dirParam : DEFAULT_DIR[sort];
  return {
    siteId: params.get("site") || null,
    lineId: params.get("line") || null,
    sort,
    dir,
    layout: params.get("view") === "table" ? "table" : "cards",
  };
}

/** The query string for a view, leaving out what is at its default so links stay short. */
export function fleetViewParams(view: FleetView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.siteId) params.set("site", view.siteId);
  if (view.lineId) params.set("line", view.lineId);
  if (view.sort !== "risk") params.set("sort", view.sort);
  if (view.dir !== DEFAULT_DIR[view.sort]) params.set("dir", view.dir);
  if (view.layout === "table") params.set("view", "table");
  return params;
}

/** The view after clicking a column: the same column flips its direction, another starts at its default. */
export function toggleSort(view: FleetView, key: SortKey): FleetView {
  if (view.sort === key) return { ...view, dir: view.dir === "asc" ? "desc" : "asc" };
  return { ...view, sort: key, dir: DEFAULT_DIR[key] };
}

/** Machines of the chosen site and line (a line implies its site; a machine on no line has no site). */
export function filterMachines(machines: readonly Machine[], view: FleetView): Machine[] {
  return machines.filter(
    (m) =>
      (view.siteId === null || m.site_id === view.siteId) &&
      (view.lineId === null || m.line_id === view.lineId),
  );
}

function seenAt(m: Machine): number {
  const ts = m.latest_reading ? Date.parse(m.latest_reading.ts) : Number.NaN;
  return Number.isNaN(ts) ? -Infinity : ts;
}

/** A sorted copy. Risk is the current one (a stale or pre-repair figure counts as none); machines without
 * a value go last in either direction; ties go by name, then id, so the order never jumps between polls. */
export function sortMachines(
  machines: readonly Machine[],
  sort: SortKey,
  dir: SortDir,
  likelyFaultLevel: number,
  now: Date,
): Machine[] {
  const key = (m: Machine): number | string | null => {
    switch (sort) {
      case "risk":
        return currentRisk(m, now);
      case "name":
        return m.name.toLocaleLowerCase();
      case "last_seen": {
        const t = seenAt(m);
        return t === -Infinity ? null : t;
      }
      case "status":
        return STATUS_RANK[operatingState(m, likelyFaultLevel, now)];
    }
  };
  const sign = dir === "asc" ? 1 : -1;
  const keyed = machines.map((m) => ({ m, k: key(m) }));
  keyed.sort((a, b) => {
    if (a.k !== b.k) {
      if (a.k === null) return 1;
      if (b.k === null) return -1;
      if (a.k < b.k) return -sign;
      if (a.k > b.k) return sign;
    }
    return a.m.name.localeCompare(b.m.name) || a.m.id.localeCompare(b.m.id);
  });
  return keyed.map(({ m }) => m);
}
