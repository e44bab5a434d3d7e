// Rules (engineers): who gets which events on which channel, from which priority, and when to keep quiet.
import { type FormEvent, useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { useLines, useSites } from "@/lib/directory";
import { useUsers } from "@/lib/directory";
import type { NotificationChannel, Role, TicketPriority } from "@/types/api";

import { useChannels, useCreateRule, useDeleteRule, useRules } from "../api/notifications";
import {
  describeRule,
  type Errors,
  parseRule,
  RULE_EVENTS,
  type RuleDraft,
  type RuleEvent,
} from "../api/forms";

const ROLES: Role[] = ["technician", "engineer", "admin"];
const PRIORITIES: TicketPriority[] = ["LOW", "HIGH", "CRITICAL"];

function emptyDraft(): RuleDraft {
  return {
    name: "",
    channelId: "",
    events: ["opened", "escalated"],
    minPriority: "HIGH",
    siteId: "",
    lineId: "",
    roles: [],
    userIds: [],
    assignee: true,
    unackMinutes: "30",
    quietStart: "",
    quietEnd: "",
    quietTz: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  };
}

function toggle<T>(list: T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

function AddRule({ channels }: { channels: NotificationChannel[] }) {
  const create = useCreateRule();
  const [draft, setDraft] = useState(emptyDraft);
  const sites = useSites().data ?? [];
  const lines = (useLines().data ?? []).filter((l) => !draft.siteId || l.site_id === draft.siteId);
  const people = (useUsers().data ?? []).filter((u) => u.is_active);
  const [errors, setErrors] = useState<Errors>({});
  const kind = channels.find((c) => c.id === draft.channelId)?.kind;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parseRule(draft, kind);
    setErrors(parsed.errors);
    if (parsed.body) create.mutate(parsed.body, { onSuccess: () => setDraft(emptyDraft()) });
  };
  const error = (key: string) =>
    errors[key] && (
      <span className="form-error" role="alert">
        {errors[key]}
      </span>
    );
  return (
    <form onSubmit={submit} aria-label="Add rule" data-testid="add-rule">
      <div className="filters">
        <label className="field">
          <span>Name</span>
          <input
            name="name"
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
          {error("name")}
        </label>
        <label className="field">
          <span>Channel</span>
          <select
            name="channel"
            value={draft.channelId}
            onChange={(e) => setDraft({ ...draft, channelId: e.target.value })}
          >
            <option value="">Pick a channel</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {error("channelId")}
        </label>
        <label className="field">
          <span>From priority</span>
          <select
            name="min_priority"
            value={draft.minPriority}
            onChange={(e) => setDraft({ ...draft, minPriority: e.target.value as TicketPriority })}
          >
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Site</span>
          <select
            name="site"
            value={draft.siteId}
            onChange={(e) => setDraft({ ...draft, siteId: e.target.value, lineId: "" })}
          >
            <option value="">Any site</option>
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Line</span>
          <select
            name="line"
            value={draft.lineId}
            onChange={(e) => setDraft({ ...draft, lineId: e.target.value })}
          >
            <option value="">Any line</option>
            {lines.map((line) => (
              <option key={line.id} value={line.id}>
                {line.site_name} / {line.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="filters">
        <legend>Events</legend>
        {RULE_EVENTS.map((ev: RuleEvent) => (
          <label key={ev} className="small">
            <input
              type="checkbox"
              name={`event-${ev}`}
              checked={draft.events.includes(ev)}
              onChange={(e) => setDraft({ ...draft, events: toggle(draft.events, ev, e.target.checked) })}
            />{" "}
            {ev}
          </label>
        ))}
        {draft.events.includes("unacknowledged") && (
          <label className="field">
            <span>Unacknowledged after (minutes)</span>
            <input
              name="unack_minutes"
              inputMode="numeric"
              value={draft.unackMinutes}
              onChange={(e) => setDraft({ ...draft, unackMinutes: e.target.value })}
            />
            {error("unackMinutes")}
          </label>
        )}
        {error("events")}
      </fieldset>
      {kind === "email" && (
        <fieldset className="filters">
          <legend>People</legend>
          {ROLES.map((r) => (
            <label key={r} className="small">
              <input
                type="checkbox"
                name={`role-${r}`}
                checked={draft.roles.includes(r)}
                onChange={(e) => setDraft({ ...draft, roles: toggle(draft.roles, r, e.target.checked) })}
              />{" "}
              all {r}s
            </label>
          ))}
          <label className="small">
            <input
              type="checkbox"
              name="assignee"
              checked={draft.assignee}
              onChange={(e) => setDraft({ ...draft, assignee: e.target.checked })}
            />{" "}
            the ticket&apos;s technician
          </label>
          <label className="field">
            <span>People</span>
            <select
              name="people"
              multiple
              value={draft.userIds}
              onChange={(e) =>
                setDraft({ ...draft, userIds: Array.from(e.target.selectedOptions, (o) => o.value) })
              }
            >
              {people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.full_name} ({person.role})
                </option>
              ))}
            </select>
          </label>
          {error("roles")}
        </fieldset>
      )}
      <fieldset className="filters">
        <legend>Quiet hours (never hold back CRITICAL)</legend>
        <label className="field">
          <span>From</span>
          <input
            name="quiet_start"
            type="time"
            value={draft.quietStart}
            onChange={(e) => setDraft({ ...draft, quietStart: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Until</span>
          <input
            name="quiet_end"
            type="time"
            value={draft.quietEnd}
            onChange={(e) => setDraft({ ...draft, quietEnd: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Time zone</span>
          <input
            name="quiet_tz"
            value={draft.quietTz}
            onChange={(e) => setDraft({ ...draft, quietTz: e.target.value })}
          />
          {error("quietTz")}
        </label>
        {error("quiet")}
      </fieldset>
      {create.isError && <ErrorBanner error={create.error} title="Could not add the rule" />}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          Add rule
        </button>
      </div>
    </form>
  );
}

export function RulesCard() {
  const rules = useRules();
  const channels = useChannels();
  const remove = useDeleteRule();
  const names = new Map((channels.data ?? []).map((c) => [c.id, c.name]));
  const sites = useSites().data;
  const lines = useLines().data;
  const users = useUsers().data;
  const refs = {
    sites: new Map((sites ?? []).map((x) => [x.id, x.name])),
    lines: new Map((lines ?? []).map((x) => [x.id, `${x.site_name} / ${x.name}`])),
    people: new Map((users ?? []).map((x) => [x.id, x.full_name])),
  };
  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 className="card-title" id="rules-title">
        Rules
      </h2>
      {rules.isPending && <Loading what="rules" />}
      {rules.isError && <ErrorBanner error={rules.error} title="Could not load rules" />}
      {rules.data?.length === 0 && (
        <Empty>No rule yet: nothing is sent until a rule says who gets what.</Empty>
      )}
      <ul className="rules">
        {rules.data?.map((r) => (
          <li key={r.id} data-testid="rule-row">
            <strong>{r.name}</strong> → {names.get(r.channel_id) ?? "?"}{" "}
            <span className="small muted">{describeRule(r, refs)}</span>{" "}
            <button type="button" className="button button--ghost" onClick={() => remove.mutate(r.id)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {channels.data && <AddRule channels={channels.data} />}
    </section>
  );
}
