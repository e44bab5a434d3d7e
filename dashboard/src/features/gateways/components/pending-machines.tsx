// Machines a gateway announced that no engineer has confirmed yet: their data is stored, bound to that
// gateway; an engineer or admin approves each (re-homing is an API call, docs/api.md).
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatDateTime } from "@/lib/format";
import { useSession } from "@/lib/session";

import { useApproveMachine, usePendingMachines } from "../api/pending-machines";

export function PendingMachines() {
  const pending = usePendingMachines();
  const approve = useApproveMachine();
  const session = useSession();
  const mayApprove = session?.user.role === "admin" || session?.user.role === "engineer";
  if (pending.isPending) return <Loading what="pending machines" />;
  if (pending.isError && !pending.data)
    return <ErrorBanner error={pending.error} title="Could not load pending machines" />;
  if (pending.data.length === 0) return <Empty>No machine is waiting for approval.</Empty>;
  return (
    <div className="table-wrap">
      {approve.isError ? <ErrorBanner error={approve.error} title="Could not approve" /> : null}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col">Type</th>
            <th scope="col">Announced by</th>
            <th scope="col">Since</th>
            {mayApprove ? <th scope="col">Approve</th> : null}
          </tr>
        </thead>
        <tbody>
          {pending.data.map((m) => (
            <tr key={m.id} data-testid="pending-machine" data-machine-id={m.id}>
              <th scope="row" data-label="Machine">
                {m.name}
              </th>
              <td data-label="Type">{m.type}</td>
              <td data-label="Announced by">
                <code>{m.gateway_id ?? "—"}</code>
              </td>
              <td data-label="Since">{formatDateTime(m.created_at)}</td>
              {mayApprove ? (
                <td data-label="Approve">
                  <button
                    type="button"
                    className="button"
                    disabled={approve.isPending}
                    onClick={() => approve.mutate(m.id)}
                  >
                    Approve for {m.gateway_id}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
