// Reopen a resolved ticket or cancel an unresolved one, each with a reason the trail keeps. Reopening is for
// whoever may work the ticket; cancelling for engineers and admins (the API's rules).
import { type FormEvent, useState } from "react";

import { ErrorBanner } from "@/components/feedback";
import { canWorkOn, managesTickets } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { Ticket } from "@/types/api";

import { MAX_REASON_CHARS, reasonProblem, useCancelTicket, useReopenTicket } from "../api/update-ticket";

function ReasonForm({
  label,
  pending,
  onSubmit,
  onClose,
}: {
  label: string;
  pending: boolean;
  onSubmit: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const problem = reasonProblem(reason);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTouched(true);
    if (problem === null) onSubmit(reason);
  };
  return (
    <form onSubmit={submit} aria-label={label}>
      <label className="field">
        <span>Reason</span>
        <input
          name="reason"
          value={reason}
          maxLength={MAX_REASON_CHARS}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      {touched && problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={pending}>
          {label}
        </button>
        <button type="button" className="button button--ghost" onClick={onClose} disabled={pending}>
          Back
        </button>
      </div>
    </form>
  );
}

export function LifecycleActions({ ticket }: { ticket: Ticket }) {
  const session = useSession();
  const reopen = useReopenTicket(ticket.id);
  const cancel = useCancelTicket(ticket.id);
  const [open, setOpen] = useState<"reopen" | "cancel" | null>(null);
  if (!session) return null;
  const resolved = ticket.status === "RESOLVED";
  const mayReopen = resolved && canWorkOn(session.user, ticket);
  const mayCancel = !resolved && managesTickets(session.user);
  if (!mayReopen && !mayCancel) return null;
  const mutation = open === "reopen" ? reopen : cancel;
  return (
    <div className="lifecycle-actions" data-testid="lifecycle-actions">
      {open === null ? (
        <div className="actions">
          {mayReopen && (
            <button
              type="button"
              className="button button--ghost"
              data-testid="reopen-ticket"
              onClick={() => setOpen("reopen")}
            >
              Reopen…
            </button>
          )}
          {mayCancel && (
            <button
              type="button"
              className="button button--ghost"
              data-testid="cancel-ticket"
              onClick={() => setOpen("cancel")}
            >
              Cancel ticket…
            </button>
          )}
        </div>
      ) : (
        <ReasonForm
          label={open === "reopen" ? "Reopen ticket" : "Cancel ticket"}
          pending={mutation.isPending}
          onClose={() => setOpen(null)}
          onSubmit={(reason) => mutation.mutate(reason, { onSuccess: () => setOpen(null) })}
        />
      )}
      {(reopen.isError || cancel.isError) && (
        <ErrorBanner error={reopen.error ?? cancel.error} title="Could not change the ticket" />
      )}
    </div>
  );
}
