// The "Ticket policy" card of the Models page: the knobs the ticket engine applies; engineers and admins
// edit and save them (the engine picks a change up within seconds), technicians read them.
import { type FormEvent, useState } from "react";

import { ErrorBanner, Loading } from "@/components/feedback";
import { formatDateTime, formatPercent } from "@/lib/format";
import type { Policy } from "@/types/api";

import { usePolicy, usePolicyKnobs, useSavePolicy } from "../api/policy";
import {
  type FieldErrors,
  parsePolicy,
  POLICY_FIELDS,
  type PolicyField,
  serverFieldErrors,
  toDisplay,
} from "../api/policy-logic";

function texts(policy: Policy): Record<PolicyField, string> {
  return Object.fromEntries(POLICY_FIELDS.map((f) => [f.key, toDisplay(f, policy[f.key])])) as Record<
    PolicyField,
    string
  >;
}

function PolicyForm({ policy, onDone }: { policy: Policy; onDone: () => void }) {
  const save = useSavePolicy();
  const knobs = usePolicyKnobs().data;
  const [values, setValues] = useState(() => texts(policy));
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parsePolicy(values, knobs);
    setErrors(parsed.errors);
    if (Object.keys(parsed.errors).length > 0) return;
    save.mutate(parsed.values, {
      onSuccess: onDone,
      onError: (error) => setErrors(serverFieldErrors(error)),
    });
  };

  return (
    <form onSubmit={submit} aria-label="Edit ticket policy" data-testid="policy-form">
      <div className="filters">
        {POLICY_FIELDS.map((f) => (
          <label className="field" key={f.key}>
            <span>
              {f.label}
              {f.unit && ` (${f.unit})`}
            </span>
            <input
              name={f.key}
              inputMode="decimal"
              value={values[f.key]}
              aria-invalid={errors[f.key] ? true : undefined}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            />
            {errors[f.key] && (
              <span className="form-error" role="alert">
                {errors[f.key]}
              </span>
            )}
          </label>
        ))}
      </div>
      {save.isError && <ErrorBanner error={save.error} title="Could not save the policy" />}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save policy"}
        </button>
        <button type="button" className="button button--ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function PolicyCard({ canEdit }: { canEdit: boolean }) {
  const policy = usePolicy();
  const [editing, setEditing] = useState(false);
  if (policy.isPending) return <Loading what="ticket policy" />;
  if (policy.isError) return <ErrorBanner error={policy.error} title="Could not load the ticket policy" />;
  const p = policy.data;
  return (
    <div className="card" data-testid="policy-card">
      <p className="muted small">
        {p.source === "database"
          ? `Set ${formatDateTime(p.updated_at)} through the dashboard.`
          : "The server's default settings; nobody has changed them here yet."}
      </p>
      <p className="small" data-testid="likely-fault-level">
        One level for the whole dashboard: at a risk of <strong>{formatPercent(p.enter_threshold)}</strong> or
        more, a machine counts as at risk, its card names the likely fault, and {p.required} such verdicts of
        the last {p.window} open a ticket. The model names a failure mode from a lower level of its own; below{" "}
        {formatPercent(p.enter_threshold)} the dashboard does not show it. A resolved machine is back to
        normal once its risk falls below {formatPercent(p.exit_threshold)}.
      </p>
      {editing ? (
        <PolicyForm policy={p} onDone={() => setEditing(false)} />
      ) : (
        <>
          <table className="table">
            <tbody>
              {POLICY_FIELDS.map((f) => (
                <tr key={f.key}>
                  <th scope="row">{f.label}</th>
                  <td className="num" data-testid={`policy-${f.key}`}>
                    {toDisplay(f, p[f.key])}
                    {f.unit && ` ${f.unit}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canEdit && (
            <div className="actions">
              <button
                type="button"
                className="button"
                data-testid="edit-policy"
                onClick={() => setEditing(true)}
              >
                Edit policy
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
