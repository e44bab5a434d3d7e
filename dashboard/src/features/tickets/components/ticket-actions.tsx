// What the signed-in person can do with a ticket right now: take it, assign it, start work, resolve it.
// Only what the API will accept for their role is offered (lib/permissions).
import { useState } from "react";

import { ErrorBanner } from "@/components/feedback";
import { canAssign, canTake, canWorkOn } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { Ticket } from "@/types/api";

import { useTechnicians } from "../api/get-technicians";
import { nextStatus, useUpdateTicket } from "../api/update-ticket";
import { ResolveForm } from "./resolve-form";

const UNASSIGNED = "";

function AssignPicker({
  ticket,
  disabled,
  onAssign,
}: {
  ticket: Ticket;
  disabled: boolean;
  onAssign: (id: string | null) => void;
}) {
  const technicians = useTechnicians(true);
  return (
    <label className="field field--inline">
      <span>Technician</span>
      <select
        data-testid="assign-technician"
        value={ticket.technician_id ?? UNASSIGNED}
        disabled={disabled || ticket.status === "RESOLVED" || !technicians.data}
        onChange={(e) => onAssign(e.target.value === UNASSIGNED ? null : e.target.value)}
      >
        <option value={UNASSIGNED}>Unassigned</option>
        {/* Keep the current assignee selectable even if the roster has not loaded or they left it. */}
        {ticket.technician_id && !technicians.data?.some((t) => t.id === ticket.technician_id) && (
          <option value={ticket.technician_id}>{ticket.technician_name ?? "Current technician"}</option>
        )}
        {technicians.data?.map((t) => (
          <option key={t.id} value={t.id}>
            {t.full_name}
            {t.location ? ` (${t.location})` : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

interface TicketActionsProps {
  ticket: Ticket;
  /** Set when the card was dropped on the Resolved column: open the outcome form at once. */
  resolveRequested?: boolean;
  onResolveClosed?: () => void;
}

export function TicketActions({ ticket, resolveRequested = false, onResolveClosed }: TicketActionsProps) {
  const session = useSession();
  const update = useUpdateTicket(ticket.id);
  const [resolvingHere, setResolving] = useState(false);
  const resolving = resolvingHere || resolveRequested;
  const closeResolve = () => {
    setResolving(false);
    onResolveClosed?.();
  };
  if (!session) return null;
  const { user } = session;
  const next = nextStatus(ticket.status);
  const works = canWorkOn(user, ticket);

  return (
    <div className="ticket-actions">
      {canAssign(user) && (
        <AssignPicker
          ticket={ticket}
          disabled={update.isPending}
          onAssign={(id) => update.mutate({ technician_id: id })}
        />
      )}
      {!canAssign(user) && (
        <p className="small muted" data-testid="assignee">
          {ticket.technician_name ? `Assigned to ${ticket.technician_name}` : "Unassigned"}
        </p>
      )}
      {update.isError && <ErrorBanner error={update.error} title="Could not change the ticket" />}
      {resolving && next === "RESOLVED" ? (
        <ResolveForm
          fault={ticket.fault}
          kind={ticket.kind}
          pending={update.isPending}
          onCancel={closeResolve}
          onResolve={(body) => update.mutate(body, { onSuccess: closeResolve })}
        />
      ) : (
        <div className="actions">
          {canTake(user, ticket) && (
            <button
              type="button"
              className="button button--primary"
              data-testid="take-ticket"
              disabled={update.isPending}
              onClick={() => update.mutate({ technician_id: user.id })}
            >
              Take it
            </button>
          )}
          {works && next === "IN_PROGRESS" && (
            <button
              type="button"
              className="button button--primary"
              data-testid="advance-ticket"
              disabled={update.isPending}
              onClick={() => update.mutate({ status: "IN_PROGRESS" })}
            >
              {update.isPending ? "Saving…" : "Start work"}
            </button>
          )}
          {works && next === "RESOLVED" && (
            <button
              type="button"
              className="button button--success"
              data-testid="resolve-ticket"
              disabled={update.isPending}
              onClick={() => setResolving(true)}
            >
              Resolve…
            </button>
          )}
        </div>
      )}
    </div>
  );
}
