// A one-line form for a name (and optionally a description): creating or renaming a site or a line.
// The API trims names and refuses duplicates per parent; its message is shown under the form.
import { type FormEvent, useState } from "react";

import { ErrorBanner } from "@/components/feedback";

interface NameFormProps {
  label: string;
  submitLabel: string;
  initialName?: string;
  initialDescription?: string | null;
  /** Show a description field (sites have one, lines do not). */
  withDescription?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (name: string, description: string | null) => void;
  onCancel?: () => void;
  testId: string;
}

export function NameForm(props: NameFormProps) {
  const [name, setName] = useState(props.initialName ?? "");
  const [description, setDescription] = useState(props.initialDescription ?? "");
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSubmit(name.trim(), description.trim() === "" ? null : description.trim());
  };
  return (
    <form className="name-form" onSubmit={submit} aria-label={props.label} data-testid={props.testId}>
      <div className="filters">
        <label className="field">
          <span>Name</span>
          <input
            name="name"
            value={name}
            required
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        {props.withDescription ? (
          <label className="field">
            <span>Description</span>
            <input
              name="description"
              value={description}
              maxLength={2000}
              onChange={(e) => setDescription(e.target.value)}
            />
          </label>
        ) : null}
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={props.pending || !name.trim()}>
            {props.submitLabel}
          </button>
          {props.onCancel ? (
            <button type="button" className="button button--ghost" onClick={props.onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
      </div>
      {props.error ? (
        <ErrorBanner error={props.error} title={`Could not ${props.submitLabel.toLowerCase()}`} />
      ) : null}
    </form>
  );
}
