// GET/POST/PATCH/DELETE /api/sites and /api/lines, and PATCH /api/machines/{id} {line_id}: the plant's
// site -> line -> machine hierarchy. Every change refetches sites, lines and machines (counts and the
// fleet's site/line names all move together).
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Line, Machine, Site } from "@/types/api";

export { getLines, getSites, useLines, useSites } from "@/lib/directory";

export type HierarchyChange =
  | { kind: "create-site"; name: string; description: string | null }
  | { kind: "update-site"; id: string; name: string; description: string | null }
  | { kind: "delete-site"; id: string }
  | { kind: "create-line"; siteId: string; name: string }
  | { kind: "update-line"; id: string; name: string; siteId: string }
  | { kind: "delete-line"; id: string }
  | { kind: "place-machine"; machineId: string; lineId: string | null };

/** Send one change to the API (ids are URL-encoded; the API validates names and emptiness). */
export function applyChange(change: HierarchyChange): Promise<Site | Line | Machine | undefined> {
  switch (change.kind) {
    case "create-site":
      return api.post<Site>("/sites", { name: change.name, description: change.description });
    case "update-site":
      return api.patch<Site>(`/sites/${encodeURIComponent(change.id)}`, {
        name: change.name,
        description: change.description,
      });
    case "delete-site":
      return api.delete(`/sites/${encodeURIComponent(change.id)}`);
    case "create-line":
      return api.post<Line>("/lines", { site_id: change.siteId, name: change.name });
    case "update-line":
      return api.patch<Line>(`/lines/${encodeURIComponent(change.id)}`, {
        name: change.name,
        site_id: change.siteId,
      });
    case "delete-line":
      return api.delete(`/lines/${encodeURIComponent(change.id)}`);
    case "place-machine":
      return api.patch<Machine>(`/machines/${encodeURIComponent(change.machineId)}`, {
        line_id: change.lineId,
      });
  }
}

export function useHierarchyChange() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: applyChange,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.sites() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.lines() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.machines() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.userAreas() }),
      ]),
  });
}
