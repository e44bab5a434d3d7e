// Dragging a card to the next column: what a drag carries, and whether a column takes it.
import type { TicketStatus } from "@/types/api";

import { nextStatus } from "../api/update-ticket";

/** The drag data type, so a column ignores anything else dropped on it (files, text). */
export const TICKET_DRAG_TYPE = "application/x-maintainx-ticket";

export interface DraggedTicket {
  id: string;
  status: TicketStatus;
}

export function dragPayload(ticket: DraggedTicket): string {
  return JSON.stringify({ id: ticket.id, status: ticket.status });
}

/** The ticket dropped on a column, if it is one and that column is its next step; else null. */
export function acceptDrop(raw: string, column: TicketStatus): DraggedTicket | null {
  try {
    const value = JSON.parse(raw) as Partial<DraggedTicket>;
    if (typeof value.id !== "string" || typeof value.status !== "string") return null;
    const ticket = { id: value.id, status: value.status };
    return nextStatus(ticket.status) === column ? ticket : null;
  } catch {
    return null;
  }
}
