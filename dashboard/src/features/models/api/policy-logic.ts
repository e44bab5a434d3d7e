// The ticket policy's knobs as the Policy card shows and edits them, and the same consistency rules the
// API applies (PUT /api/policy), so an engineer sees what is wrong before saving.
import { ApiError } from "@/lib/api-client";
import type { PolicyKnob, PolicyValues } from "@/types/api";

export type PolicyField = keyof PolicyValues;
export type FieldKind = "probability" | "count" | "duration";

export interface FieldSpec {
  key: PolicyField;
  label: string;
  kind: FieldKind;
  unit: string;
}

/** The knobs in the order the card lists them. */
export const POLICY_FIELDS: FieldSpec[] = [
  { key: "enter_threshold", label: "Open a ticket at risk", kind: "probability", unit: "%" },
  { key: "exit_threshold", label: "Re-arm below risk", kind: "probability", unit: "%" },
  { key: "required", label: "Risky verdicts needed (N)", kind: "count", unit: "" },
  { key: "window", label: "Of the last verdicts (M)", kind: "count", unit: "" },
  { key: "high_threshold", label: "HIGH priority at risk", kind: "probability", unit: "%" },
  { key: "critical_threshold", label: "CRITICAL priority at risk", kind: "probability", unit: "%" },
  { key: "max_age_s", label: "Ignore predictions older than", kind: "duration", unit: "s" },
  { key: "cooldown_s", label: "Cooldown after a resolution", kind: "duration", unit: "s" },
  { key: "horizon_h", label: "Model horizon", kind: "duration", unit: "h" },
  { key: "high_ttf_h", label: "HIGH when failure expected within", kind: "duration", unit: "h" },
  { key: "critical_ttf_h", label: "CRITICAL when failure expected within", kind: "duration", unit: "h" },
];

/** A knob's value as the card shows and edits it: probabilities in whole percent. */
export function toDisplay(spec: FieldSpec, value: number): string {
  return spec.kind === "probability" ? String(Math.round(value * 1000) / 10) : String(value);
}

/** The API's value of a typed-in knob, or null when it is not a number. */
export function fromDisplay(spec: FieldSpec, text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return null;
  return spec.kind === "probability" ? value / 100 : value;
}

export type FieldErrors = Partial<Record<PolicyField, string>>;

/** Parse the form's texts; the values, or the message of every field that is not a usable number. */
export function parsePolicy(
  texts: Record<PolicyField, string>,
  knobs?: readonly PolicyKnob[],
): {
  values: PolicyValues;
  errors: FieldErrors;
} {
  const values = {} as PolicyValues;
  const errors: FieldErrors = {};
  for (const spec of POLICY_FIELDS) {
    const value = fromDisplay(spec, texts[spec.key]);
    if (value === null) errors[spec.key] = "must be a number";
    else if (spec.kind === "count" && !Number.isInteger(value)) errors[spec.key] = "must be a whole number";
    else values[spec.key] = value;
  }
  return {
    values,
    errors: { ...errors, ...(Object.keys(errors).length ? {} : validatePolicy(values, knobs)) },
  };
}

/** "must be above 0% and at most 99%": a knob's declared bounds in the units the card shows. */
function boundsMessage(spec: FieldSpec, knob: PolicyKnob): string {
  const show = (n: number) =>
    `${toDisplay(spec, n)}${spec.unit === "%" ? "%" : spec.unit ? ` ${spec.unit}` : ""}`;
  return `must be ${knob.low_inclusive ? "at least" : "above"} ${show(knob.low)} and at most ${show(knob.high)}`;
}

/** The API's rules: each broken one reported on the field the API names. Each knob's own bounds come from
 * the server's declaration (``knobs``, GET /api/policy/knobs) when it has loaded; until then, the coarse
 * bounds of its kind. */
export function validatePolicy(v: PolicyValues, knobs?: readonly PolicyKnob[]): FieldErrors {
  const errors: FieldErrors = {};
  const set = (field: PolicyField, message: string) => {
    errors[field] ??= message;
  };
  const declared = new Map((knobs ?? []).map((k) => [k.name, k]));
  for (const spec of POLICY_FIELDS) {
    const value = v[spec.key];
    const knob = declared.get(spec.key);
    if (knob) {
      const above = knob.low_inclusive ? value >= knob.low : value > knob.low;
      if (!(above && value <= knob.high)) set(spec.key, boundsMessage(spec, knob));
      continue;
    }
    if (spec.kind === "probability" && !(value > 0 && value <= 1))
      set(spec.key, "must be above 0% and at most 100%");
    if (spec.kind === "count" && value < 1) set(spec.key, "must be at least 1");
    if (spec.kind === "duration" && !(value > 0)) set(spec.key, "must be more than 0");
  }
  if (!(v.exit_threshold < v.enter_threshold)) set("exit_threshold", "must be below the opening risk");
  if (v.required > v.window) set("required", "must not exceed the number of verdicts looked at (M)");
  if (v.high_threshold < v.enter_threshold) set("high_threshold", "must be at least the opening risk");
  if (v.high_threshold > v.critical_threshold) set("high_threshold", "must not exceed the CRITICAL risk");
  if (v.high_ttf_h > v.horizon_h) set("high_ttf_h", "must not exceed the model horizon");
  if (v.critical_ttf_h > v.high_ttf_h) set("critical_ttf_h", "must not exceed the HIGH time to failure");
  return errors;
}

/** The per-field messages of a 422 from PUT /api/policy (loc ["body", field]). */
export function serverFieldErrors(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError) || error.status !== 422) return errors;
  const known = new Set<string>(POLICY_FIELDS.map((f) => f.key));
  for (const e of error.problem.errors ?? []) {
    const field = e.loc[e.loc.length - 1];
    if (typeof field === "string" && known.has(field)) errors[field as PolicyField] ??= e.msg;
  }
  return errors;
}
