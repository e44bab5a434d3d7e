// Route "/tickets/:ticketId": one ticket with its actions, comments and history.
import { useParams } from "react-router";

import { TicketDetail } from "@/features/tickets/components/ticket-detail";

export function TicketRoute() {
  const { ticketId = "" } = useParams();
  return <TicketDetail key={ticketId} ticketId={ticketId} />;
}
