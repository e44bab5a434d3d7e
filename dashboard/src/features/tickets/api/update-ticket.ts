// PATCH /api/tickets/{id} (lifecycle, assignment, outcome) and POST /api/tickets/{id}/comments.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Outcome, Ticket, TicketEvent, TicketKind, TicketStatus, TicketUpdate } from "@/types/api";

/** The longest comment the API takes. */
export const MAX_COMMENT_CHARS = 4000;

export function updateTicket(ticketId: string, update: TicketUpdate): Promise<Ticket> {
  return api.patch<Ticket>(`/tickets/${encodeURIComponent(ticketId)}`, update);
}

export function addComment(ticketId: string, text: string): Promise<TicketEvent> {
  return api.post<TicketEvent>(`/tickets/${encodeURIComponent(ticketId)}/comments`, { text });
}

/** The one step a ticket may take next: OPEN -> IN_PROGRESS -> RESOLVED; none after RESOLVED. */
export function nextStatus(status: TicketStatus): "IN_PROGRESS" | "RESOLVED" | null {
  if (status === "OPEN") return "IN_PROGRESS";
  if (status === "IN_PROGRESS") return "RESOLVED";
  return null;
}

/** The outcomes a ticket of this kind may be resolved with (the API's rule; CANCELLED goes through cancel). */
export function outcomesFor(kind: TicketKind): Outcome[] {
  if (kind === "PREVENTIVE") return ["COMPLETED", "CONFIRMED_FAULT"];
  if (kind === "CORRECTIVE") return ["CONFIRMED_FAULT", "MISSED", "FALSE_ALARM"];
  return ["CONFIRMED_FAULT", "FALSE_ALARM"];
}

/** The longest reopen or cancel reason the API takes. */
export const MAX_REASON_CHARS = 500;

/** What is wrong with a reopen or cancel reason, or null. */
export function reasonProblem(reason: string): string | null {
  if (!reason.trim()) return "Say why.";
  if (reason.length > MAX_REASON_CHARS) return `At most ${MAX_REASON_CHARS} characters.`;
  return null;
}

export function reopenTicket(ticketId: string, reason: string): Promise<Ticket> {
  return api.post<Ticket>(`/tickets/${encodeURIComponent(ticketId)}/reopen`, { reason: reason.trim() });
}

export function cancelTicket(ticketId: string, reason: string): Promise<Ticket> {
  return api.post<Ticket>(`/tickets/${encodeURIComponent(ticketId)}/cancel`, { reason: reason.trim() });
}

/** What is missing before a ticket can be resolved with this outcome, or null when it is complete. */
export function outcomeProblem(outcome: Outcome | null, rootCause: string): string | null {
  if (outcome === null) return "Say whether it was a real fault or a false alarm.";
  if (outcome === "CONFIRMED_FAULT" && rootCause.trim() === "")
    return "Describe the root cause of the fault.";
  return null;
}

/** The PATCH body that resolves a ticket with its outcome (and, for a real fault, the mode found). */
export function resolution(outcome: Outcome, rootCause: string, foundFault = ""): TicketUpdate {
  const cause = rootCause.trim();
  const found = outcome === "CONFIRMED_FAULT" && foundFault ? { found_fault: foundFault } : {};
  return { status: "RESOLVED", outcome, ...(cause ? { root_cause: cause } : {}), ...found };
}

function useTicketMutation<V>(ticketId: string, mutationFn: (variables: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // Success or a 409 (someone else moved it): either way every view must show the server's state.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.tickets() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.machines() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.ticket(ticketId) }),
      ]),
  });
}

export function useUpdateTicket(ticketId: string) {
  return useTicketMutation(ticketId, (update: TicketUpdate) => updateTicket(ticketId, update));
}

export function useReopenTicket(ticketId: string) {
  return useTicketMutation(ticketId, (reason: string) => reopenTicket(ticketId, reason));
}

export function useCancelTicket(ticketId: string) {
  return useTicketMutation(ticketId, (reason: string) => cancelTicket(ticketId, reason));
}

export function useAddComment(ticketId: string) {
  return useTicketMutation(ticketId, (text: string) => addComment(ticketId, text));
}
