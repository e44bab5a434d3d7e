// Pure logic of the notification forms: turn what was typed into an API body, or say what is wrong where,
// mirroring the API's checks (cloud/notifications/schemas.py) so mistakes show before a round trip.
import type {
  NotificationChannelCreate,
  NotificationDelivery,
  NotificationEvent,
  NotificationRule,
  NotificationRuleCreate,
  Role,
  TicketPriority,
  WebhookFormat,
} from "@/types/api";

export const RULE_EVENTS = ["opened", "escalated", "assigned", "unacknowledged", "resolved"] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];
export const MIN_SECRET_CHARS = 16;
export const MAX_UNACK_MINUTES = 7 * 24 * 60;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export type Errors = Record<string, string>;

export interface ChannelDraft {
  name: string;
  kind: "email" | "webhook";
  url: string;
  format: WebhookFormat;
  secret: string;
}

export interface RuleDraft {
  name: string;
  channelId: string;
  events: RuleEvent[];
  minPriority: TicketPriority;
  /** Only tickets of machines at this site / on this line ("" = anywhere). */
  siteId: string;
  lineId: string;
  roles: Role[];
  /** Named people, beside the roles (e-mail rules). */
  userIds: string[];
  assignee: boolean;
  unackMinutes: string;
  quietStart: string;
  quietEnd: string;
  quietTz: string;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Whether the browser knows the IANA time zone (the API checks with the same database). */
export function isTimeZone(name: string): boolean {
  if (!name.trim()) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function parseChannel(draft: ChannelDraft): { body?: NotificationChannelCreate; errors: Errors } {
  const errors: Errors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Give the channel a name";
  if (draft.kind === "webhook") {
    if (!isHttpUrl(draft.url.trim())) errors.url = "Enter an http:// or https:// URL";
    if (draft.secret && draft.secret.length < MIN_SECRET_CHARS)
      errors.secret = `At least ${MIN_SECRET_CHARS} characters (or leave empty for the server's secret)`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  // A new channel is enabled; an e-mail channel has no webhook format, so it keeps the API's default.
  if (draft.kind === "email")
    return { body: { name, kind: "email", format: "generic", enabled: true }, errors };
  const body: NotificationChannelCreate = {
    name,
    kind: "webhook",
    url: draft.url.trim(),
    format: draft.format,
    enabled: true,
  };
  if (draft.secret) body.secret = draft.secret;
  return { body, errors };
}

export function parseRule(
  draft: RuleDraft,
  channelKind: "email" | "webhook" | undefined,
): { body?: NotificationRuleCreate; errors: Errors } {
  const errors: Errors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Give the rule a name";
  if (!draft.channelId || !channelKind) errors.channelId = "Pick a channel";
  if (draft.events.length === 0) errors.events = "Pick at least one event";
  let unack: number | null = null;
  if (draft.events.includes("unacknowledged")) {
    unack = Number(draft.unackMinutes);
    if (!Number.isInteger(unack) || unack < 1 || unack > MAX_UNACK_MINUTES)
      errors.unackMinutes = `Minutes from 1 to ${MAX_UNACK_MINUTES}`;
  }
  const start = draft.quietStart.trim();
  const end = draft.quietEnd.trim();
  if (start || end) {
    if (!HH_MM.test(start) || !HH_MM.test(end)) errors.quiet = "Quiet hours need a start and an end as HH:MM";
    else if (start === end) errors.quiet = "Quiet hours must start and end at different times";
  }
  if (!isTimeZone(draft.quietTz.trim())) errors.quietTz = "Unknown time zone (e.g. Europe/Berlin)";
  if (channelKind === "email" && draft.roles.length === 0 && draft.userIds.length === 0 && !draft.assignee)
    errors.roles = "An e-mail rule needs roles, people or the assignee";
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    body: {
      name,
      channel_id: draft.channelId,
      events: [...draft.events],
      min_priority: draft.minPriority,
      // A line belongs to one site: naming the line is enough.
      site_id: draft.lineId ? null : draft.siteId || null,
      line_id: draft.lineId || null,
      roles: channelKind === "email" ? [...draft.roles] : [],
      user_ids: channelKind === "email" ? [...draft.userIds] : [],
      assignee: channelKind === "email" && draft.assignee,
      unack_minutes: unack,
      quiet_start: start || null,
      quiet_end: end || null,
      quiet_tz: draft.quietTz.trim(),
      enabled: true,
    },
  };
}

const EVENT_LABELS: Record<NotificationEvent, string> = {
  opened: "opened",
  escalated: "escalated",
  assigned: "assigned",
  unacknowledged: "unacknowledged",
  resolved: "resolved",
  test: "test",
};

/** Names of the sites, lines and people a rule refers to by id. */
export interface RuleNames {
  sites?: Map<string, string>;
  lines?: Map<string, string>;
  people?: Map<string, string>;
}

/** One line: which events, from which priority, where, to whom, and when it keeps quiet. */
export function describeRule(rule: NotificationRule, names: RuleNames = {}): string {
  const events = rule.events
    .map((e) => (e === "unacknowledged" ? `unacknowledged ${rule.unack_minutes} min` : EVENT_LABELS[e]))
    .join(", ");
  const parts = [events, `${rule.min_priority} and above`];
  if (rule.line_id) parts.push(`on line ${names.lines?.get(rule.line_id) ?? "?"}`);
  else if (rule.site_id) parts.push(`at site ${names.sites?.get(rule.site_id) ?? "?"}`);
  const people = [
    ...rule.roles.map((r) => `${r}s`),
    ...rule.user_ids.map((id) => names.people?.get(id) ?? "?"),
    ...(rule.assignee ? ["the assignee"] : []),
  ];
  if (people.length > 0) parts.push(`to ${people.join(", ")}`);
  if (rule.quiet_start && rule.quiet_end)
    parts.push(
      `quiet ${rule.quiet_start.slice(0, 5)}–${rule.quiet_end.slice(0, 5)} ${rule.quiet_tz} (except CRITICAL)`,
    );
  return parts.join(" · ");
}

/** What the last try said, for the deliveries table. */
export function lastTry(delivery: NotificationDelivery): string {
  const last = delivery.tries[delivery.tries.length - 1];
  if (delivery.held && !last) return "held by quiet hours";
  if (!last) return "waiting";
  const answer = last.status_code !== null ? String(last.status_code) : (last.error ?? "error");
  return last.ok ? `${answer} in ${Math.round(last.duration_ms)} ms` : (last.error ?? answer);
}
