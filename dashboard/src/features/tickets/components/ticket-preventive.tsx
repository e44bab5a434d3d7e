// Why a preventive work order exists: its schedule and due date, and the prediction that pulled it forward.
import { formatDateTime, formatNumber, formatPercent } from "@/lib/format";
import type { PreventiveInfo } from "@/types/api";

export function TicketPreventive({ pm }: { pm: PreventiveInfo }) {
  const why = pm.pulled_forward;
  return (
    <div data-testid="ticket-preventive">
      <p>
        Preventive work from the schedule <strong>{pm.schedule_name}</strong>, due{" "}
        <strong>{pm.due_at ? formatDateTime(pm.due_at) : "—"}</strong>.
      </p>
      {why && (
        <p className="badge badge--priority-high" data-testid="ticket-pulled-forward">
          Pulled forward {formatNumber(why.days_earlier, 1)} days (planned{" "}
          {formatDateTime(why.planned_due_at)}): the failure risk reached {formatPercent(why.failure_prob)} at{" "}
          {formatDateTime(why.prediction_ts)} (model {why.model_version}, threshold{" "}
          {formatPercent(why.threshold)}).
        </p>
      )}
    </div>
  );
}
