// PATCH /api/tickets/{id} (lifecycle, assignment, outcome) and POST /api/tickets/{id}/comments.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type { Outcome, Ticket, TicketEvent, TicketStatus, TicketUpdate } from "@/types/api";

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

export function useAddComment(ticketId: string) {
  return useTicketMutation(ticketId, (text: string) => addComment(ticketId, text));
}
