// The MaintainX HTTP API's types, under the names the dashboard uses. They are aliases of the types
// generated from the API's OpenAPI schema (openapi.gen.ts, `make api-client`), so a change to the API shows
// up here as a compile error instead of a silent drift. The few shapes the schema does not describe (the
// live stream's events, problem+json errors, health without a token) are written below and say why.
// Times are RFC 3339 UTC strings; ids are UUID strings except gateway ids, which are slugs like "gw-01".

import type { components } from "./openapi.gen";

type Schemas = components["schemas"];

export type IsoTime = string;

/** Every member of the union ``T``, in the order given: the compiler refuses a list that misses one. */
function allOf<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : never)): A => values;
}

export type ReadingPoint = Schemas["ReadingPoint"];
export type PredictionPoint = Schemas["PredictionPoint"];
export type ReadingSeries = Schemas["ReadingSeries"];
export type PredictionSeries = Schemas["PredictionSeries"];

export type Machine = Schemas["MachineRead"];
/** A site or line a person works at; ``site_id``/``site_name`` name a line's site (null for a site). */
export type AreaRef = Schemas["AreaRef"];
/** The sites and lines a person works at (GET /api/users/{id}/areas, GET /api/user-areas). */
export type UserAreas = Schemas["UserAreas"];
/** PUT /api/users/{id}/areas: the full set, replacing what was there. */
export type UserAreasUpdate = Schemas["UserAreasUpdate"];

export type TicketStatus = Schemas["TicketStatus"];
/** The statuses in the order the board shows them. */
export const TICKET_STATUSES = allOf<TicketStatus>()(["OPEN", "IN_PROGRESS", "RESOLVED"]);
export type TicketPriority = Schemas["TicketPriority"];
/** Why a ticket exists. */
export type TicketKind = Schemas["TicketKind"];
export type Outcome = Schemas["TicketOutcome"];

/** A driving signal in plant units against the machine type's normal. */
export type SignalDriver = Schemas["SignalDriver"];
export type TicketReason = Schemas["TicketReason"];
/** What followed a resolution (GET /api/tickets/{id} only). */
export type Aftercare = Schemas["Aftercare"];
export type Ticket = Schemas["TicketRead"];
/** One page of GET /api/tickets. */
export type TicketPage = Schemas["TicketPage"];
export type TicketUpdate = Schemas["TicketUpdate"];

/** Preventive maintenance (cloud/pm, cloud/workdone): aliases of the generated schema. */
export type PullForward = Schemas["PullForward"];
export type PreventiveInfo = Schemas["PreventiveInfo"];
/** When preventive work is due (cloud/pm/schemas.py Rule). */
export type PmRule = Schemas["PmScheduleIn"]["rule"];
export type PmSignal = NonNullable<Schemas["RunningHoursRule"]["signal"]>;
/** POST / PUT /api/pm-schedules: exactly one of machine_id and machine_type. */
export type PmScheduleIn = Schemas["PmScheduleIn"];
export type PmMachineState = Schemas["PmMachineState"];
export type PmSchedule = Schemas["PmScheduleRead"];
export type ChecklistItem = Schemas["ChecklistItemRead"];
export type ChecklistResult = NonNullable<Schemas["ChecklistResultIn"]["result"]>;
export type TimeEntry = Schemas["TimeEntryRead"];
export type PartUsage = Schemas["PartUsageRead"];
export type Attachment = Schemas["AttachmentRead"];
export type WorkDone = Schemas["WorkDone"];
export type PartIn = Schemas["PartIn"];
export type Part = Schemas["PartRead"];
export type Notice = Schemas["NoticeRead"];

/** The kinds of ticket_events rows; the API declares the field as a plain string. */
export type TicketEventKind =
  | "created"
  | "status"
  | "assigned"
  | "priority"
  | "comment"
  | "outcome"
  | "repair_sent"
  | "reopened"
  | "cancelled"
  | "pulled_forward"
  | "time"
  | "part"
  | "checklist"
  | "attachment";
/** One line of a ticket's audit trail; actor null means the ticket engine. */
export type TicketEvent = Schemas["TicketEventRead"];

export type Role = Schemas["UserRole"];
export type User = Schemas["UserRead"];
/** POST /api/auth/login. */
export type Credentials = Schemas["LoginRequest"];
export type LoginResponse = Schemas["LoginResponse"];
/** GET /api/auth/demo: the demo's logins and their shared password; elsewhere only { demo: false }. */
export type DemoInfo = Schemas["DemoInfo"];
export type DemoLogin = Schemas["DemoLogin"];

/** What the live stream (GET /api/stream) sends as a "prediction" event: server-sent events are not
 * described by the OpenAPI schema, so this one is composed from the prediction point it carries. */
export type PredictionEvent = PredictionPoint & { machine_id: string };

export type Gateway = Schemas["GatewayRead"];

/** GET /api/health with the details, as a caller whose token the API accepts gets it. */
export type Health = Schemas["Health"];
/** GET /api/health as anyone gets it (a load balancer's answer): the API sends only the status without a
 * valid token, outside its declared response model, so the schema does not show this shape. */
export type HealthSummary = Pick<Health, "status">;

/** RFC 9457 problem details, as every API error is sent (by the error handlers, not declared per route). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Present on validation errors (422). */
  errors?: { loc: (string | number)[]; msg: string }[];
}

/** The ticket policy's knobs (PUT /api/policy), and GET /api/policy: the knobs with where they come from. */
export type PolicyValues = Schemas["PolicyValues"];
export type Policy = Schemas["PolicyRead"];

/** GET /api/registry/models: a registered model version and the aliases pointing at it. */
export type ModelVersion = Schemas["ModelVersionOut"];

export type RolloutMode = Schemas["RolloutIn"]["mode"];
/** GET /api/registry/rollouts/{id}. */
export type Rollout = Schemas["RolloutOut"];
/** One gateway a rollout reached and what it last reported. */
export type RolloutGateway = Schemas["RolloutTargetOut"];
/** An item of GET /api/registry/rollouts: gateways counted by reported state. */
export type RolloutSummary = Schemas["RolloutSummaryOut"];
export type RolloutPage = Schemas["RolloutPage"];
/** POST /api/registry/rollouts. */
export type RolloutStart = Schemas["RolloutIn"];

/** What GET /api/kpis breaks its figures down by (cloud/kpis/schemas.py KpiGrouping). */
export type KpiGrouping = Schemas["KpiGrouping"];
/** How many tickets of a kind ended with an outcome (null: none yet). */
export type KindOutcomeCount = Schemas["KindOutcomeCount"];
/** Predictive tickets confirmed ÷ (confirmed + false alarm); value null when both are 0. */
export type Precision = Schemas["Precision"];
/** Hours from a confirmed predictive ticket's opening to its resolution. */
export type LeadTime = Schemas["LeadTime"];
/** One group's reliability figures (docs/reliability-kpis.md defines each). */
export type KpiFigures = Schemas["KpiFigures"];
export type KpiGroup = Schemas["KpiGroup"];
/** One bar of the lead-time histogram: [lower_hours, upper_hours); upper null for the last, open bar. */
export type LeadTimeBucket = Schemas["LeadTimeBucket"];
/** GET /api/kpis. */
export type KpiReport = Schemas["KpiReport"];
/** GET /api/sites (one row). */
export type Site = Schemas["SiteRead"];
/** GET /api/lines (one row). */
export type Line = Schemas["LineRead"];

/** Notifications (cloud/notifications/schemas.py): aliases of the generated schema. */
export type NotificationChannel = Schemas["ChannelRead"];
export type NotificationChannelCreate = Schemas["ChannelCreate"];
/** ``secret: null`` removes the channel's own secret. */
export type NotificationChannelUpdate = Schemas["ChannelUpdate"];
export type ChannelKind = NotificationChannel["kind"];
export type WebhookFormat = NotificationChannel["format"];
/** Quiet hours are "HH:MM" wall-clock times in quiet_tz. */
export type NotificationRuleCreate = Schemas["RuleCreate"];
export type NotificationRule = Schemas["RuleRead"];
export type DeliveryAttempt = Schemas["AttemptRead"];
/** GET /api/notifications/deliveries: the outbox, newest first, with every try. */
export type NotificationDelivery = Schemas["DeliveryRead"];
export type NotificationEvent = NotificationDelivery["event"];
export type DeliveryStatus = NotificationDelivery["status"];
/** GET /api/notifications/preferences: a channel that reaches the caller, on or off. */
export type NotificationPreference = Schemas["PreferenceRead"];

/** A ticket-policy knob with its unit and bounds, as the server declares it (GET /api/policy/knobs). */
export type PolicyKnob = Schemas["KnobRead"];
