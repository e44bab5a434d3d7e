// The parts catalogue (GET/POST /api/parts, PUT /api/parts/{id}) and notices (GET /api/notices, acknowledge).
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Notice, Part, PartIn } from "@/types/api";

export function getCatalogue(signal?: AbortSignal): Promise<Part[]> {
  return api.get<Part[]>("/parts", undefined, signal);
}

export function getNotices(signal?: AbortSignal): Promise<Notice[]> {
  return api.get<Notice[]>("/notices", undefined, signal);
}

/** What is wrong with a part form, or null (the API's limits: a SKU without outer spaces, counts >= 0). */
export function partProblem(part: {
  sku: string;
  name: string;
  stock: string;
  min_stock: string;
}): string | null {
  if (!part.sku.trim() || part.sku !== part.sku.trim()) return "A SKU without leading or trailing spaces.";
  if (!part.name.trim()) return "A name.";
  for (const [label, value] of [
    ["Stock", part.stock],
    ["Minimum", part.min_stock],
  ] as const) {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < 0) return `${label}: a whole number, 0 or more.`;
  }
  return null;
}

/** "Bearing 6204 (6204-2RS) is down to 2 pcs, below its minimum of 3." */
export function noticeText(notice: Notice): string {
  const d = notice.data;
  if (notice.kind === "part_below_minimum")
    return `${String(d.name)} (${String(d.sku)}) is down to ${String(d.stock)}, below its minimum of ${String(d.min_stock)}.`;
  return `${notice.kind}: ${JSON.stringify(d)}`;
}

export function useCatalogue() {
  return useQuery(
    queryOptions({ queryKey: queryKeys.parts(), queryFn: ({ signal }) => getCatalogue(signal) }),
  );
}

export function useNotices() {
  return useQuery(
    queryOptions({ queryKey: queryKeys.notices(), queryFn: ({ signal }) => getNotices(signal) }),
  );
}

export function useSavePart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: PartIn }) =>
      id === null ? api.post<Part>("/parts", body) : api.put<Part>(`/parts/${encodeURIComponent(id)}`, body),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.parts() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.notices() }),
      ]),
  });
}

export function useAcknowledge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<Notice>(`/notices/${id}/acknowledge`, {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.notices() }),
  });
}
