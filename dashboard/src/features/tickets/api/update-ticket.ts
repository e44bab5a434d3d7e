// PATCH /api/tickets/{id}: move a ticket forward in its lifecycle (or assign a technician).
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Ticket, TicketStatus, TicketUpdate } from "@/types/api";

export function updateTicket(ticketId: string, update: TicketUpdate): Promise<Ticket> {
  return api.patch<Ticket>(`/tickets/${encodeURIComponent(ticketId)}`, update);
}

/** The one step a ticket may take next: OPEN -> IN_PROGRESS -> RESOLVED; none after RESOLVED. */
export function nextStatus(status: TicketStatus): "IN_PROGRESS" | "RESOLVED" | null {
  if (status === "OPEN") return "IN_PROGRESS";
  if (status === "IN_PROGRESS") return "RESOLVED";
  return null;
}

export function useUpdateTicket(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: TicketUpdate) => updateTicket(ticketId, update),
    // Success or a 409 (someone else moved it): either way the board must show the server's state.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ["tickets"] }),
        queryClient.invalidateQueries({ queryKey: ["machines"] }),
      ]),
  });
}
