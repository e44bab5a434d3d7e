// Pure helpers of the Models page: the headline metrics of a manifest, its metrics flattened for the
// detail view, the start-rollout form's parsing, and who may change the registry.
import type { RolloutStart, User } from "@/types/api";

export interface Headline {
  f1: number | null;
  precision: number | null;
  recall: number | null;
  auc: number | null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** F1, precision, recall and ROC AUC of the failure classifier: `metrics.failure.*`, or flat `metrics.*`. */
export function headlineMetrics(metrics: Record<string, unknown>): Headline {
  const source = isRecord(metrics.failure) ? metrics.failure : metrics;
  return {
    f1: num(source.f1),
    precision: num(source.precision),
    recall: num(source.recall),
    auc: num(source.roc_auc ?? source.auc),
  };
}

/** Every leaf of a nested metrics object as [dotted.path, value], in the object's order. */
export function flattenMetrics(value: unknown, prefix = ""): [string, string][] {
  if (!isRecord(value)) {
    if (prefix === "") return [];
    return [[prefix, Array.isArray(value) ? value.join(", ") : String(value)]];
  }
  return Object.entries(value).flatMap(([key, inner]) =>
    flattenMetrics(inner, prefix ? `${prefix}.${key}` : key),
  );
}

/** The parity check in a few words: the largest ONNX vs. training difference, or "—" without one. */
export function parityText(parity: Record<string, unknown>): string {
  const diffs = Object.entries(parity)
    .filter(([key]) => key.includes("max_abs_diff"))
    .map(([, v]) => num(v))
    .filter((v): v is number => v !== null);
  if (diffs.length === 0) return "—";
  return `Δ ≤ ${Math.max(...diffs).toExponential(1)}`;
}

/** Read "10, 50, 100" (percent) as [0.1, 0.5, 1]; an error message when it is not a rising list ending at 100. */
export function parseStages(text: string): number[] | string {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) return "Give at least one stage, e.g. 10, 50, 100.";
  const shares = parts.map((p) => Number(p.replace(/%$/, "")));
  if (shares.some((s) => !Number.isFinite(s) || s <= 0 || s > 100))
    return "Each stage is a percentage above 0 and at most 100.";
  if (shares.some((s, i) => i > 0 && s <= (shares[i - 1] ?? 0))) return "Stages must rise.";
  if (shares[shares.length - 1] !== 100) return "The last stage must be 100 (every gateway).";
  return shares.map((s) => s / 100);
}

export type TargetKey = RolloutStart["target"]["key"];

/** The request body of the start-rollout form, or an error message saying what is missing. */
export function rolloutRequest(
  version: string,
  key: TargetKey,
  value: string,
  stagesText: string,
  mode: RolloutStart["mode"],
): RolloutStart | string {
  if (!version) return "Pick a version.";
  const name = value.trim();
  if (key !== "all" && !name) return `Name the ${key} to roll out to.`;
  const stages = parseStages(stagesText);
  if (typeof stages === "string") return stages;
  return { ref: version, target: key === "all" ? { key } : { key, value: name }, stages, mode };
}

/** Engineers and admins promote models and run rollouts; technicians only look. */
export function managesModels(user: User): boolean {
  return user.role === "admin" || user.role === "engineer";
}
