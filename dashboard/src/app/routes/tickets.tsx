// Route "/tickets": the ticket board.
import { TicketBoard } from "@/features/tickets/components/ticket-board";

export function TicketsRoute() {
  return (
    <>
      <header className="page-head">
        <h1>Tickets</h1>
      </header>
      <TicketBoard />
    </>
  );
}
