// Resolving a ticket: was it a real fault (which mode, what caused it) or a false alarm? All of it teaches
// the model: the outcome the failure classifier, the mode found the fault classifier.
import { type FormEvent, useState } from "react";

import { formatFault, KNOWN_FAULTS, proposedFault } from "@/lib/format";
import type { Outcome, TicketKind, TicketUpdate } from "@/types/api";

import { outcomesFor, outcomeProblem, resolution } from "../api/update-ticket";

const OUTCOME_LABELS: Partial<Record<Outcome, string>> = {
  CONFIRMED_FAULT: "Real fault",
  FALSE_ALARM: "False alarm",
  MISSED: "Failure no prediction warned of",
  COMPLETED: "Done, nothing wrong found",
};

interface ResolveFormProps {
  /** The ticket's fault (the model's guess), proposed as the mode found. */
  fault: string;
  /** The ticket's kind decides which outcomes fit (preventive: done; corrective: missed). */
  kind?: TicketKind;
  pending: boolean;
  onResolve: (update: TicketUpdate) => void;
  onCancel: () => void;
}

export function ResolveForm({ fault, kind = "PREDICTIVE", pending, onResolve, onCancel }: ResolveFormProps) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [rootCause, setRootCause] = useState("");
  const [foundFault, setFoundFault] = useState(() => proposedFault(fault));
  const [touched, setTouched] = useState(false);
  const problem = outcomeProblem(outcome, rootCause);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (problem === null && outcome !== null) onResolve(resolution(outcome, rootCause, foundFault));
  };

  return (
    <form className="resolve-form" onSubmit={submit} aria-label="Resolve ticket" data-testid="resolve-form">
      <fieldset className="resolve-form__outcome">
        <legend>Outcome</legend>
        {outcomesFor(kind).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="outcome"
              value={value}
              checked={outcome === value}
              onChange={() => setOutcome(value)}
            />{" "}
            {OUTCOME_LABELS[value]}
          </label>
        ))}
      </fieldset>
      {outcome === "CONFIRMED_FAULT" && (
        <label className="field">
          <span>Failure mode found</span>
          <select
            name="found_fault"
            data-testid="found-fault"
            value={foundFault}
            onChange={(e) => setFoundFault(e.target.value)}
          >
            {KNOWN_FAULTS.map((f) => (
              <option key={f} value={f}>
                {formatFault(f)}
              </option>
            ))}
            <option value="">Other / not listed</option>
          </select>
        </label>
      )}
      <label className="field">
        <span>Root cause{outcome === "CONFIRMED_FAULT" ? "" : " (optional)"}</span>
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
