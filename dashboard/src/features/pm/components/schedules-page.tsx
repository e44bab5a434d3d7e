// The PM schedules: each with its rule, its machines' next due dates (a marker where a rising risk pulled one
// forward, saying which prediction) and the open work order; engineers create, edit and delete them.
import { useState } from "react";
import { Link } from "react-router";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { paths } from "@/config/paths";
import { formatDateTime, formatNumber, formatPercent } from "@/lib/format";
import { managesTickets } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { PmMachineState, PmSchedule } from "@/types/api";

import { useDeleteSchedule, useSchedules } from "../api/pm-schedules";
import { ScheduleFormView } from "./schedule-form";
import { EMPTY_FORM, fromSchedule, meterUnit, ruleSummary } from "./schedule-form-state";

function PulledMarker({ state }: { state: PmMachineState }) {
  const why = state.pulled_forward;
  if (!why) return null;
  return (
    <span
      className="badge badge--priority-high"
      data-testid="pulled-forward"
      title={`Failure risk ${formatPercent(why.failure_prob)} at ${formatDateTime(why.prediction_ts)} (model ${why.model_version}); planned ${formatDateTime(why.planned_due_at)}`}
    >
      pulled forward {formatNumber(why.days_earlier, 1)} d
    </span>
  );
}

function MachinesTable({ schedule }: { schedule: PmSchedule }) {
  if (schedule.machines.length === 0)
    return <p className="small muted">No machine counted yet: the scheduler picks it up within a minute.</p>;
  const unit = meterUnit(schedule.rule);
  return (
    <table className="table small">
      <thead>
        <tr>
          <th>Machine</th>
          <th>Next due</th>
          {unit && <th>Since last PM</th>}
          <th>Work order</th>
        </tr>
      </thead>
      <tbody>
        {schedule.machines.map((m) => (
          <tr key={m.machine_id} data-testid="pm-machine">
            <td>
              <Link to={paths.machine.href(m.machine_id)}>{m.machine_name}</Link>
            </td>
            <td>
              {m.due_at ? formatDateTime(m.due_at) : "not yet known"} <PulledMarker state={m} />
            </td>
            {unit && <td>{m.meter === null ? "—" : `${formatNumber(m.meter, 1)} ${unit}`}</td>}
            <td>{m.open_ticket_id ? <Link to={paths.ticket.href(m.open_ticket_id)}>open</Link> : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SchedulesPage() {
  const schedules = useSchedules();
  const remove = useDeleteSchedule();
  const session = useSession();
  const [editing, setEditing] = useState<PmSchedule | "new" | null>(null);
  const manages = session !== null && managesTickets(session.user);
  if (schedules.isPending) return <Loading what="PM schedules" />;
  if (schedules.isError)
    return <ErrorBanner error={schedules.error} title="Could not load the PM schedules" />;
  return (
    <>
      <header className="page-head">
        <h1>Preventive maintenance</h1>
        {manages && editing === null && (
          <button
            type="button"
            className="button button--primary"
            data-testid="new-schedule"
            onClick={() => setEditing("new")}
          >
            New schedule
          </button>
        )}
      </header>
      {editing !== null && (
        <ScheduleFormView
          id={editing === "new" ? null : editing.id}
          initial={editing === "new" ? EMPTY_FORM : fromSchedule(editing)}
          onDone={() => setEditing(null)}
        />
      )}
      {remove.isError && <ErrorBanner error={remove.error} title="Could not delete the schedule" />}
      {schedules.data.length === 0 && <Empty>No PM schedules yet.</Empty>}
      {schedules.data.map((s) => (
        <section key={s.id} className="card" data-testid="pm-schedule" data-schedule-id={s.id}>
          <header className="page-head">
            <div>
              <h2 className="card-title">
                {s.name} {!s.active && <span className="muted small">(paused)</span>}{" "}
                {s.pulled_forward && <span className="badge badge--priority-high">risk pulled forward</span>}
              </h2>
              <p className="small muted">
                {s.machine_type ? `every ${s.machine_type}` : (s.machines[0]?.machine_name ?? "one machine")}{" "}
                · {ruleSummary(s.rule)} · opens {formatNumber(s.lead_days, 1)} d ahead · next due{" "}
                <strong data-testid="next-due">
                  {s.next_due_at ? formatDateTime(s.next_due_at) : "not yet known"}
                </strong>
                {s.checklist.length ? ` · ${s.checklist.length} checklist items` : ""}
              </p>
            </div>
            {manages && (
              <span className="actions">
                <button type="button" className="button button--ghost" onClick={() => setEditing(s)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="button button--ghost"
                  disabled={remove.isPending}
                  onClick={() =>
                    window.confirm(`Delete "${s.name}"? Its work orders stay.`) && remove.mutate(s.id)
                  }
                >
                  Delete
                </button>
              </span>
            )}
          </header>
          <MachinesTable schedule={s} />
        </section>
      ))}
    </>
  );
}
