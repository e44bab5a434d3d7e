// Create or edit a PM schedule: target (a machine or a type), rule (calendar or meter), lead time, how far a
// rising risk may pull it forward, priority and the checklist copied to each work order.
import { type FormEvent, useState } from "react";

import { ErrorBanner } from "@/components/feedback";
import type { PmSignal, TicketPriority } from "@/types/api";

import { useSaveSchedule, useTargetMachines } from "../api/pm-schedules";
import { type RuleKind, type ScheduleForm, scheduleProblems, toScheduleIn } from "./schedule-form-state";

const RULE_KINDS: [RuleKind, string][] = [
  ["every", "Every N days or weeks"],
  ["day_of_month", "A day of the month"],
  ["running_hours", "Running hours"],
  ["starts", "Starts"],
  ["counter", "A counter signal"],
];
const SIGNALS: PmSignal[] = ["rpm", "temperature", "vibration"];
const PRIORITIES: TicketPriority[] = ["LOW", "HIGH", "CRITICAL"];

interface Props {
  id: string | null;
  initial: ScheduleForm;
  onDone: () => void;
}

export function ScheduleFormView({ id, initial, onDone }: Props) {
  const [form, setForm] = useState(initial);
  const [touched, setTouched] = useState(false);
  const save = useSaveSchedule();
  const machines = useTargetMachines();
  const problems = scheduleProblems(form);
  const set = <K extends keyof ScheduleForm>(key: K, value: ScheduleForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const error = (key: keyof ScheduleForm) =>
    touched && problems[key] ? (
      <span className="form-error" role="alert">
        {problems[key]}
      </span>
    ) : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length === 0)
      save.mutate({ id, body: toScheduleIn(form) }, { onSuccess: onDone });
  };
  const meter = form.ruleKind !== "every" && form.ruleKind !== "day_of_month";
  const types = [...new Set((machines.data ?? []).map((m) => m.type))].sort();

  return (
    <form
      noValidate
      className="card pm-form"
      onSubmit={submit}
      aria-label="PM schedule"
      data-testid="pm-form"
    >
      <h2 className="card-title">{id ? "Edit schedule" : "New schedule"}</h2>
      <label className="field">
        <span>Name</span>
        <input name="name" value={form.name} maxLength={200} onChange={(e) => set("name", e.target.value)} />
        {error("name")}
      </label>
      <fieldset className="field">
        <legend>For</legend>
        <label>
          <input
            type="radio"
            name="target"
            checked={form.target === "machine"}
            onChange={() => set("target", "machine")}
          />{" "}
          One machine
        </label>{" "}
        <label>
          <input
            type="radio"
            name="target"
            checked={form.target === "type"}
            onChange={() => set("target", "type")}
          />{" "}
          Every machine of a type
        </label>
      </fieldset>
      {form.target === "machine" ? (
        <label className="field">
          <span>Machine</span>
          <select
            aria-label="Machine"
            name="machine"
            value={form.machineId}
            onChange={(e) => set("machineId", e.target.value)}
          >
            <option value="">Pick a machine…</option>
            {(machines.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.type})
              </option>
            ))}
          </select>
          {error("machineId")}
        </label>
      ) : (
        <label className="field">
          <span>Machine type</span>
          <input
            name="machine_type"
            list="pm-types"
            value={form.machineType}
            onChange={(e) => set("machineType", e.target.value)}
          />
          <datalist id="pm-types">
            {types.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          {error("machineType")}
        </label>
      )}
      <label className="field">
        <span>Due</span>
        <select
          name="rule"
          value={form.ruleKind}
          onChange={(e) => set("ruleKind", e.target.value as RuleKind)}
        >
          {RULE_KINDS.map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {form.ruleKind === "day_of_month" ? (
        <label className="field">
          <span>Day of the month</span>
          <input
            name="day"
            type="number"
            min={1}
            max={31}
            value={form.day}
            onChange={(e) => set("day", e.target.value)}
          />
          {error("day")}
        </label>
      ) : (
        <label className="field">
          <span>Every</span>
          <input
            aria-label="Every"
            name="every"
            type="number"
            min={1}
            step="any"
            value={form.every}
            onChange={(e) => set("every", e.target.value)}
          />
          {form.ruleKind === "every" && (
            <select
              aria-label="Unit"
              name="unit"
              value={form.unit}
              onChange={(e) => set("unit", e.target.value as "days" | "weeks")}
            >
              <option value="days">days</option>
              <option value="weeks">weeks</option>
            </select>
          )}
          {error("every")}
        </label>
      )}
      {meter && (
        <label className="field">
          <span>Signal</span>
          <select
            name="signal"
            value={form.signal}
            onChange={(e) => set("signal", e.target.value as PmSignal)}
          >
            {SIGNALS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      )}
      {meter && form.ruleKind !== "counter" && (
        <label className="field">
          <span>Running above</span>
          <input
            name="threshold"
            type="number"
            step="any"
            value={form.threshold}
            onChange={(e) => set("threshold", e.target.value)}
          />
          {error("threshold")}
        </label>
      )}
      <label className="field">
        <span>Open the work order this many days ahead</span>
        <input
          name="lead_days"
          type="number"
          min={0}
          step="any"
          value={form.leadDays}
          onChange={(e) => set("leadDays", e.target.value)}
        />
        {error("leadDays")}
      </label>
      <label className="field">
        <span>A rising risk may pull it forward by up to (days; 0 = never)</span>
        <input
          name="max_pull_forward_days"
          type="number"
          min={0}
          step="any"
          value={form.maxPullForwardDays}
          onChange={(e) => set("maxPullForwardDays", e.target.value)}
        />
        {error("maxPullForwardDays")}
      </label>
      <label className="field">
        <span>Risk that counts as rising (failure probability; empty = the site's setting)</span>
        <input
          name="risk_threshold"
          type="number"
          min={0}
          max={1}
          step="0.01"
          value={form.riskThreshold}
          onChange={(e) => set("riskThreshold", e.target.value)}
        />
        {error("riskThreshold")}
      </label>
      <label className="field">
        <span>Priority</span>
        <select
          name="priority"
          value={form.priority}
          onChange={(e) => set("priority", e.target.value as TicketPriority)}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field" data-testid="pm-checklist">
        <legend>Checklist</legend>
        {form.checklist.map((item, k) => (
          <div key={k} className="pm-form__item">
            <input
              aria-label={`Checklist item ${k + 1}`}
              value={item}
              maxLength={300}
              onChange={(e) =>
                set(
                  "checklist",
                  form.checklist.map((v, j) => (j === k ? e.target.value : v)),
                )
              }
            />
            <button
              type="button"
              className="button button--ghost"
              aria-label={`Remove item ${k + 1}`}
              onClick={() =>
                set(
                  "checklist",
                  form.checklist.filter((_, j) => j !== k),
                )
              }
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button--ghost"
          onClick={() => set("checklist", [...form.checklist, ""])}
        >
          Add item
        </button>
      </fieldset>
      <label>
        <input type="checkbox" checked={form.active} onChange={(e) => set("active", e.target.checked)} />{" "}
        Active
      </label>
      {save.isError && <ErrorBanner error={save.error} title="Could not save the schedule" />}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save schedule"}
        </button>
        <button type="button" className="button button--ghost" onClick={onDone} disabled={save.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
