// Recent deliveries (engineers): what the worker sent, to whom, how often it tried and what the far end said.
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatDateTime } from "@/lib/format";

import { lastTry } from "../api/forms";
import { useDeliveries } from "../api/notifications";

export function DeliveriesCard() {
  const deliveries = useDeliveries();
  return (
    <section className="card" aria-labelledby="deliveries-title">
      <h2 className="card-title" id="deliveries-title">
        Recent deliveries
      </h2>
      {deliveries.isPending && <Loading what="deliveries" />}
      {deliveries.isError && <ErrorBanner error={deliveries.error} title="Could not load deliveries" />}
      {deliveries.data?.length === 0 && <Empty>Nothing sent yet.</Empty>}
      {deliveries.data && deliveries.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Channel</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Tries
                </th>
                <th scope="col">Last answer</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status} data-event={d.event}>
                  <td>{formatDateTime(d.created_at)}</td>
                  <td>
                    {d.event}
                    {d.summary.machine && <span className="small muted"> · {d.summary.machine}</span>}
                  </td>
                  <td>{d.channel_name}</td>
                  <td className="small">{d.recipient ?? "—"}</td>
                  <td>
                    <span className="badge">{d.held ? "held" : d.status}</span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td className="small" title={d.last_error ?? undefined}>
                    {lastTry(d)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
