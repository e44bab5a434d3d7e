// GET /api/tickets/{id}/work and the writes of work done: time, parts, checklist results, attachments.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Attachment, ChecklistResult, Part, WorkDone } from "@/types/api";

/** The API's limit on one attachment (MAINTAINX_ATTACHMENT_MAX_BYTES default); it refuses larger with 413. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** The longest stint one time entry may record (the API's limit). */
export const MAX_MINUTES = 7 * 24 * 60;

const base = (ticketId: string) => `/tickets/${encodeURIComponent(ticketId)}`;

export function getWorkDone(ticketId: string, signal?: AbortSignal): Promise<WorkDone> {
  return api.get<WorkDone>(`${base(ticketId)}/work`, undefined, signal);
}

export function getParts(signal?: AbortSignal): Promise<Part[]> {
  return api.get<Part[]>("/parts", undefined, signal);
}

/** What is wrong with a time entry's minutes, or null. */
export function minutesProblem(text: string): string | null {
  const minutes = Number(text);
  if (text.trim() === "" || !Number.isInteger(minutes) || minutes < 1) return "Whole minutes, at least 1.";
  if (minutes > MAX_MINUTES) return "At most a week per entry.";
  return null;
}

/** What is wrong with a file before it is sent (the API checks its type by its bytes), or null. */
export function fileProblem(file: { size: number }): string | null {
  if (file.size === 0) return "The file is empty.";
  if (file.size > MAX_ATTACHMENT_BYTES)
    return `The file is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB.`;
  return null;
}

/** "1 h 25 min" */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h${m ? ` ${m} min` : ""}` : `${m} min`;
}

export function useWorkDone(ticketId: string) {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.workDone(ticketId),
      queryFn: ({ signal }) => getWorkDone(ticketId, signal),
    }),
  );
}

export function useParts(enabled = true) {
  return useQuery(
    queryOptions({ queryKey: queryKeys.parts(), queryFn: ({ signal }) => getParts(signal), enabled }),
  );
}

function useWorkMutation<V>(ticketId: string, mutationFn: (variables: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.workDone(ticketId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.ticketEvents(ticketId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.parts() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.notices() }),
      ]),
  });
}

export function useAddTime(ticketId: string) {
  return useWorkMutation(ticketId, (entry: { minutes: number; note: string | null }) =>
    api.post<WorkDone>(`${base(ticketId)}/time`, entry),
  );
}

export function useUsePart(ticketId: string) {
  return useWorkMutation(ticketId, (use: { part_id: string; quantity: number }) =>
    api.post<WorkDone>(`${base(ticketId)}/parts`, use),
  );
}

export function useSetChecklist(ticketId: string) {
  return useWorkMutation(
    ticketId,
    ({ position, result, note }: { position: number; result: ChecklistResult | null; note: string | null }) =>
      api.put<WorkDone>(`${base(ticketId)}/checklist/${position}`, { result, note }),
  );
}

export function useUpload(ticketId: string) {
  return useWorkMutation(ticketId, (file: File) =>
    api.upload<Attachment>(`${base(ticketId)}/attachments`, { filename: file.name || "file" }, file),
  );
}

/** Fetch an attachment with the session's token and hand it to the browser as a download. */
export async function openAttachment(attachment: Attachment): Promise<void> {
  const blob = await api.download(
    `${base(attachment.ticket_id)}/attachments/${encodeURIComponent(attachment.id)}`,
  );
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = attachment.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
