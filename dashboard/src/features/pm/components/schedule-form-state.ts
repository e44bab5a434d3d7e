// The PM schedule form's state, its checks (the API's rules, said before sending) and the body it sends;
// and the one-line summaries the list shows. Pure, so vitest covers it.
import type { PmRule, PmSchedule, PmScheduleIn, PmSignal, TicketPriority } from "@/types/api";

export type RuleKind = PmRule["kind"];

export interface ScheduleForm {
  name: string;
  target: "machine" | "type";
  machineId: string;
  machineType: string;
  ruleKind: RuleKind;
  /** Days or weeks for "every"; hours, starts or counts for meters. */
  every: string;
  unit: "days" | "weeks";
  day: string;
  signal: PmSignal;
  threshold: string;
  leadDays: string;
  maxPullForwardDays: string;
  riskThreshold: string;
  priority: TicketPriority;
  checklist: string[];
  active: boolean;
}

export const EMPTY_FORM: ScheduleForm = {
  name: "",
  target: "machine",
  machineId: "",
  machineType: "",
  ruleKind: "every",
  every: "30",
  unit: "days",
  day: "1",
  signal: "rpm",
  threshold: "100",
  leadDays: "3",
  maxPullForwardDays: "0",
  riskThreshold: "",
  priority: "LOW",
  checklist: [""],
  active: true,
};

/** The API's limits (cloud/pm/schemas.py). */
const MAX_INTERVAL_DAYS = 3660;
const MAX_METER_EVERY = 1e6;

function num(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

function rule(form: ScheduleForm): PmRule {
  switch (form.ruleKind) {
    case "every":
      return { kind: "every", every: num(form.every), unit: form.unit };
    case "day_of_month":
      return { kind: "day_of_month", day: num(form.day) };
    case "counter":
      return { kind: "counter", every: num(form.every), signal: form.signal };
    default:
      return {
        kind: form.ruleKind,
        every: num(form.every),
        signal: form.signal,
        threshold: num(form.threshold),
      };
  }
}

/** What is wrong with the form, field by field (empty when it can be sent). */
export function scheduleProblems(form: ScheduleForm): Partial<Record<keyof ScheduleForm, string>> {
  const problems: Partial<Record<keyof ScheduleForm, string>> = {};
  if (!form.name.trim()) problems.name = "Give the schedule a name.";
  if (form.target === "machine" && !form.machineId) problems.machineId = "Pick a machine.";
  if (form.target === "type" && !form.machineType.trim()) problems.machineType = "Name the machine type.";
  const every = num(form.every);
  if (form.ruleKind === "every") {
    const days = every * (form.unit === "weeks" ? 7 : 1);
    if (!Number.isInteger(every) || every < 1 || days > MAX_INTERVAL_DAYS)
      problems.every = `A whole number of ${form.unit}, at most ${MAX_INTERVAL_DAYS} days in all.`;
  } else if (form.ruleKind === "day_of_month") {
    const day = num(form.day);
    if (!Number.isInteger(day) || day < 1 || day > 31) problems.day = "A day from 1 to 31.";
  } else {
    if (!Number.isFinite(every) || every <= 0 || every > MAX_METER_EVERY)
      problems.every = "A positive number, at most a million.";
    if (form.ruleKind !== "counter" && !Number.isFinite(num(form.threshold)))
      problems.threshold = "The level above which the machine counts as running.";
  }
  const lead = num(form.leadDays);
  if (!Number.isFinite(lead) || lead < 0 || lead > 365) problems.leadDays = "From 0 to 365 days.";
  const pull = num(form.maxPullForwardDays);
  if (!Number.isFinite(pull) || pull < 0 || pull > MAX_INTERVAL_DAYS)
    problems.maxPullForwardDays = "0 (never) or more days.";
  if (form.riskThreshold.trim() !== "") {
    const risk = num(form.riskThreshold);
    if (!(risk > 0 && risk <= 1)) problems.riskThreshold = "A failure probability above 0, at most 1.";
  }
  return problems;
}

/** The body POST / PUT /api/pm-schedules takes (call only when scheduleProblems is empty). */
/** Every field set: the form always sends the whole schedule. */
export function toScheduleIn(form: ScheduleForm): Required<PmScheduleIn> {
  return {
    name: form.name.trim(),
    machine_id: form.target === "machine" ? form.machineId : null,
    machine_type: form.target === "type" ? form.machineType.trim() : null,
    rule: rule(form),
    lead_days: num(form.leadDays),
    max_pull_forward_days: num(form.maxPullForwardDays),
    risk_threshold: form.riskThreshold.trim() === "" ? null : num(form.riskThreshold),
    priority: form.priority,
    checklist: form.checklist.map((item) => item.trim()).filter((item) => item !== ""),
    active: form.active,
  };
}

/** The form filled with a stored schedule, for editing. */
export function fromSchedule(schedule: PmSchedule): ScheduleForm {
  const r = schedule.rule;
  return {
    ...EMPTY_FORM,
    name: schedule.name,
    target: schedule.machine_id ? "machine" : "type",
    machineId: schedule.machine_id ?? "",
    machineType: schedule.machine_type ?? "",
    ruleKind: r.kind,
    every: "every" in r ? String(r.every) : EMPTY_FORM.every,
    unit: r.kind === "every" ? r.unit : "days",
    day: r.kind === "day_of_month" ? String(r.day) : EMPTY_FORM.day,
    signal: "signal" in r ? r.signal : "rpm",
    threshold: "threshold" in r ? String(r.threshold) : EMPTY_FORM.threshold,
    leadDays: String(schedule.lead_days),
    maxPullForwardDays: String(schedule.max_pull_forward_days),
    riskThreshold: schedule.risk_threshold === null ? "" : String(schedule.risk_threshold),
    priority: schedule.priority,
    checklist: schedule.checklist.length ? [...schedule.checklist] : [""],
    active: schedule.active,
  };
}

/** "every 2 weeks", "on day 31 of each month", "every 500 running hours (rpm > 100)". */
export function ruleSummary(r: PmRule): string {
  switch (r.kind) {
    case "every":
      return `every ${r.every} ${r.every === 1 ? r.unit.slice(0, -1) : r.unit}`;
    case "day_of_month":
      return `on day ${r.day} of each month${r.day > 28 ? " (or its last day)" : ""}`;
    case "running_hours":
      return `every ${r.every} running hours (${r.signal} > ${r.threshold})`;
    case "starts":
      return `every ${r.every} starts (${r.signal} rising above ${r.threshold})`;
    case "counter":
      return `every ${r.every} counts of ${r.signal}`;
  }
}

/** The unit a rule's meter reads in, for the machines' meter column ("" for calendar rules). */
export function meterUnit(r: PmRule): string {
  if (r.kind === "running_hours") return "h";
  if (r.kind === "starts") return "starts";
  if (r.kind === "counter") return "counts";
  return "";
}
