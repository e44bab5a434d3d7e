// Route "/tickets/:ticketId": one ticket with its actions, the work done on it, comments and history.
import { useParams } from "react-router";

import { TicketDetail } from "@/features/tickets/components/ticket-detail";
import { WorkDonePanel } from "@/features/workdone/components/work-done-panel";

export function TicketRoute() {
  const { ticketId = "" } = useParams();
  return (
    <TicketDetail key={ticketId} ticketId={ticketId}>
      {(ticket) => <WorkDonePanel ticket={ticket} />}
    </TicketDetail>
  );
}
