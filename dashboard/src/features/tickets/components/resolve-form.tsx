// Resolving a ticket: was it a real fault (and what caused it) or a false alarm? Both teach the model.
import { type FormEvent, useState } from "react";

import type { Outcome, TicketUpdate } from "@/types/api";

import { outcomeProblem, resolution } from "../api/update-ticket";

interface ResolveFormProps {
  pending: boolean;
  onResolve: (update: TicketUpdate) => void;
  onCancel: () => void;
}

export function ResolveForm({ pending, onResolve, onCancel }: ResolveFormProps) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [rootCause, setRootCause] = useState("");
  const [touched, setTouched] = useState(false);
  const problem = outcomeProblem(outcome, rootCause);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (problem === null && outcome !== null) onResolve(resolution(outcome, rootCause));
  };

  return (
    <form className="resolve-form" onSubmit={submit} aria-label="Resolve ticket" data-testid="resolve-form">
      <fieldset className="resolve-form__outcome">
        <legend>Outcome</legend>
        <label>
          <input
            type="radio"
            name="outcome"
            value="CONFIRMED_FAULT"
            checked={outcome === "CONFIRMED_FAULT"}
            onChange={() => setOutcome("CONFIRMED_FAULT")}
          />{" "}
          Real fault
        </label>
        <label>
          <input
            type="radio"
            name="outcome"
            value="FALSE_ALARM"
            checked={outcome === "FALSE_ALARM"}
            onChange={() => setOutcome("FALSE_ALARM")}
          />{" "}
          False alarm
        </label>
      </fieldset>
      <label className="field">
        <span>Root cause{outcome === "FALSE_ALARM" ? " (optional)" : ""}</span>
        <textarea
          name="root_cause"
          rows={2}
          maxLength={2000}
          value={rootCause}
          placeholder="e.g. worn drive-end bearing, replaced"
          onChange={(e) => setRootCause(e.target.value)}
        />
      </label>
      {touched && problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--success" disabled={pending}>
          {pending ? "Saving…" : "Resolve ticket"}
        </button>
        <button type="button" className="button button--ghost" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
