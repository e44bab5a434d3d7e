// Start a rollout: a signed version to a group, a tag or every gateway, in stages, deployed or in shadow.
import { type FormEvent, useState } from "react";

import { ErrorBanner } from "@/components/feedback";
import type { ModelVersion, RolloutMode } from "@/types/api";

import { rolloutRequest, type TargetKey } from "../api/model-logic";
import { useStartRollout } from "../api/registry";

const DEFAULT_STAGES = "10, 50, 100";

export function StartRolloutForm({ models }: { models: ModelVersion[] }) {
  const signed = models.filter((m) => m.signed);
  const start = useStartRollout();
  const [version, setVersion] = useState(signed[0]?.version ?? "");
  const [key, setKey] = useState<TargetKey>("group");
  const [value, setValue] = useState("");
  const [stages, setStages] = useState(DEFAULT_STAGES);
  const [mode, setMode] = useState<RolloutMode>("deploy");
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const request = rolloutRequest(version || (signed[0]?.version ?? ""), key, value, stages, mode);
    if (typeof request === "string") {
      setProblem(request);
      return;
    }
    setProblem(null);
    start.mutate(request);
  };

  return (
    <form
      className="card resolve-form"
      onSubmit={submit}
      aria-label="Start rollout"
      data-testid="rollout-form"
    >
      <h2 className="card-title">Start a rollout</h2>
      <div className="filters">
        <label className="field">
          <span>Version</span>
          <select name="version" value={version} onChange={(e) => setVersion(e.target.value)}>
            {signed.map((m) => (
              <option key={m.version} value={m.version}>
                {m.version}
                {m.aliases.length > 0 ? ` (${m.aliases.join(", ")})` : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Target</span>
          <select name="target_key" value={key} onChange={(e) => setKey(e.target.value as TargetKey)}>
            <option value="group">Group</option>
            <option value="tag">Tag</option>
            <option value="all">All gateways</option>
          </select>
        </label>
        {key !== "all" && (
          <label className="field">
            <span>{key === "group" ? "Group" : "Tag"} name</span>
            <input name="target_value" value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
        )}
        <label className="field">
          <span>Stages (% of gateways)</span>
          <input name="stages" value={stages} onChange={(e) => setStages(e.target.value)} />
        </label>
        <label className="field">
          <span>Mode</span>
          <select name="mode" value={mode} onChange={(e) => setMode(e.target.value as RolloutMode)}>
            <option value="deploy">Deploy</option>
            <option value="shadow">Shadow (compare only)</option>
          </select>
        </label>
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      {start.isError && <ErrorBanner error={start.error} title="Could not start the rollout" />}
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="start-rollout"
          disabled={start.isPending || signed.length === 0}
        >
          {start.isPending ? "Starting…" : "Start rollout"}
        </button>
        {signed.length === 0 && <span className="muted small">Sign a version first.</span>}
      </div>
    </form>
  );
}
