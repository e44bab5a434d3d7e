// After Resolve: the repair command sent to the gateway (gateways do not confirm receipt, so it says what
// was sent, where and when), then the machine back to normal once its risk falls below the exit level.
import { formatDateTime, formatPercent } from "@/lib/format";
import type { Ticket } from "@/types/api";

import { useTicketAftercare } from "../api/get-ticket";

export function TicketAftercare({ ticket }: { ticket: Ticket }) {
  const resolved = ticket.status === "RESOLVED";
  const aftercare = useTicketAftercare(ticket.id, resolved);
  const care = aftercare.data;
  if (!resolved || !care) return null;
  return (
    <div className="aftercare" data-testid="aftercare">
      {care.repair_sent_at ? (
        <p data-testid="repair-sent">
          Repair sent to gateway <code>{care.gateway_id}</code> at {formatDateTime(care.repair_sent_at)}
          {care.repair_queued
            ? " — queued: the API's broker link was down; it goes out when the link is back"
            : ""}
          . <span className="muted">Gateways do not confirm receipt.</span>
        </p>
      ) : (
        <p data-testid="repair-sent">No repair was sent: the machine has no gateway.</p>
      )}
      {care.back_to_normal_at ? (
        <p data-testid="back-to-normal" className="aftercare__ok">
          Back to normal at {formatDateTime(care.back_to_normal_at)}: risk{" "}
          {formatPercent(care.back_to_normal_risk)}, below the policy's {formatPercent(care.exit_threshold)}.
        </p>
      ) : (
        <p data-testid="back-to-normal" className="muted">
          Waiting for the machine's risk to fall below {formatPercent(care.exit_threshold)}…
        </p>
      )}
    </div>
  );
}
