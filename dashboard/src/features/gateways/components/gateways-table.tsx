// The gateways table: online, last seen, clock offset, versions, outbox depth, what the edge had to drop, and what the
// cloud refused because the gateway wrote for machines of another gateway.
import { OnlineBadge } from "@/components/badges";
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatAge, formatClockOffset, formatDateTime, sumCounts } from "@/lib/format";

import { useGateways } from "../api/get-gateways";

export function GatewaysTable() {
  const gateways = useGateways();
  if (gateways.isPending) return <Loading what="gateways" />;
  if (gateways.isError && !gateways.data)
    return <ErrorBanner error={gateways.error} title="Could not load gateways" />;
  if (gateways.data.length === 0) return <Empty>No gateway has reported yet.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Gateway</th>
            <th scope="col">Status</th>
            <th scope="col">Last seen</th>
            <th scope="col">Clock</th>
            <th scope="col" className="num">
              Machines
            </th>
            <th scope="col">Model</th>
            <th scope="col">Agent</th>
            <th scope="col" className="num">
              Outbox
            </th>
            <th scope="col" className="num">
              Dropped
            </th>
            <th scope="col" className="num" title="Rows sent for machines of other gateways, refused">
              Refused
            </th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {gateways.data.map((g) => {
            const dropped = sumCounts(g.dropped);
            const breakdown = Object.entries(g.dropped)
              .map(([reason, n]) => `${reason}: ${n}`)
              .join(", ");
            return (
              <tr key={g.id} data-testid="gateway-row" data-gateway-id={g.id}>
                <th scope="row" data-label="Gateway">
                  <code>{g.id}</code>
                </th>
                <td data-label="Status">
                  <OnlineBadge online={g.online} />
                </td>
                <td data-label="Last seen" title={formatDateTime(g.last_seen)}>
                  {formatAge(g.last_seen)}
                </td>
                <td
                  data-label="Clock"
                  className={clockOff(g.clock_offset_s ?? null) ? "warn" : undefined}
                  title={clockTitle(g.clock_offset_at ?? null, g.late_rows)}
                >
                  {formatClockOffset(g.clock_offset_s)}
                </td>
                <td data-label="Machines" className="num">
                  {g.machine_count}
                  {g.pending_machines > 0 ? (
                    <span className="warn" data-testid="gateway-pending">
                      {" "}
                      ({g.pending_machines} pending)
                    </span>
                  ) : null}
                </td>
                <td data-label="Model">{g.model_version ?? "—"}</td>
                <td data-label="Agent">{g.agent_version ?? "—"}</td>
                <td data-label="Outbox" className={`num${g.outbox_depth > 0 ? " warn" : ""}`}>
                  {g.outbox_depth}
                </td>
                <td
                  data-label="Dropped"
                  className={`num${dropped > 0 ? " bad" : ""}`}
                  title={breakdown || undefined}
                >
                  {dropped}
                </td>
                <td
                  data-label="Refused"
                  data-testid="gateway-refused"
                  className={`num${g.foreign_rows > 0 ? " bad" : ""}`}
                  title={
                    g.foreign_rows > 0
                      ? "Readings, predictions or status entries for machines of other gateways; see dead letters (foreign_machine)"
                      : undefined
                  }
                >
                  {g.foreign_rows}
                </td>
                <td data-label="Last error" className="last-error">
                  {g.last_error ?? "—"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// A clock this far off moves event times visibly on every chart; worth the operator's eye.
const CLOCK_WARN_S = 60;

function clockOff(offset: number | null): boolean {
  return offset !== null && Math.abs(offset) >= CLOCK_WARN_S;
}

function clockTitle(measuredAt: string | null, lateRows: number): string {
  const measured = measuredAt ? `measured ${formatDateTime(measuredAt)}` : "not measured yet";
  return `${measured}; ${lateRows} row${lateRows === 1 ? "" : "s"} arrived late`;
}
