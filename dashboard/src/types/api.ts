// Types of every MaintainX HTTP API response the dashboard reads (api.md, and api_v2.md for issue 7).
// Times are RFC 3339 UTC strings; ids are UUID strings except gateway ids, which are slugs like "gw-01".

export type IsoTime = string;

export interface ReadingPoint {
  ts: IsoTime;
  temperature: number | null;
  vibration: number | null;
  rpm: number | null;
}

export interface PredictionPoint {
  ts: IsoTime;
  failure_prob: number;
  anomaly_score: number;
  is_anomaly: boolean;
  model_version: string;
  /** The failure mode the model named (e.g. "bearing_wear"): only at or above its failure threshold,
   * and only from a model with a fault classifier; absent from older APIs. */
  fault?: string | null;
}

export interface Machine {
  id: string;
  name: string;
  type: string;
  location: string | null;
  created_at: IsoTime;
  gateway_id: string | null;
  online: boolean;
  latest_reading: ReadingPoint | null;
  latest_prediction: PredictionPoint | null;
  /** OPEN + IN_PROGRESS tickets. */
  open_tickets: number;
  /** The newest resolution of one of its tickets (a repair sent); a risk from before it is stale. */
  last_repair_at?: IsoTime | null;
  /** Bound to the gateway that announced it, awaiting an engineer's approval; absent from older APIs. */
  pending?: boolean;
  /** The line it is placed on and that line's site; null until an engineer places it. */
  line_id?: string | null;
  line_name?: string | null;
  site_id?: string | null;
  site_name?: string | null;
}

/** A plant or building (GET /api/sites). */
export interface Site {
  id: string;
  name: string;
  description: string | null;
  created_at: IsoTime;
  line_count: number;
}

/** A production line of a site (GET /api/lines); names are unique within their site. */
export interface Line {
  id: string;
  site_id: string;
  site_name: string;
  name: string;
  created_at: IsoTime;
  machine_count: number;
}

/** A site or line a person works at; ``site_id``/``site_name`` name a line's site (null for a site). */
export interface AreaRef {
  id: string;
  name: string;
  site_id: string | null;
  site_name: string | null;
}

/** The sites and lines a person works at (GET /api/users/{id}/areas, GET /api/user-areas). */
export interface UserAreas {
  user_id: string;
  sites: AreaRef[];
  lines: AreaRef[];
}

/** PUT /api/users/{id}/areas: the full set, replacing what was there. */
export interface UserAreasUpdate {
  site_ids: string[];
  line_ids: string[];
}

export interface ReadingSeries {
  machine_id: string;
  start: IsoTime;
  end: IsoTime;
  points: ReadingPoint[];
}

export interface PredictionSeries {
  machine_id: string;
  start: IsoTime;
  end: IsoTime;
  points: PredictionPoint[];
}

export const TICKET_STATUSES = ["OPEN", "IN_PROGRESS", "RESOLVED"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = "LOW" | "HIGH" | "CRITICAL";

/** A driving signal in plant units against the machine type's normal. */
export interface SignalDriver {
  signal: string;
  label: string;
  unit: string;
  /** The signal's window mean when the ticket opened. */
  value: number | null;
  normal_mean: number | null;
  normal_std: number | null;
  /** Slope of the readings before the prediction, per hour of event time. */
  trend_per_hour: number | null;
  /** The feature that made it a driver ("vibration_slope") and how many spreads away it was. */
  feature: string;
  z: number | null;
}

export interface TicketReason {
  model_version: string;
  failure_prob: number;
  anomaly_score: number;
  prediction_ts: IsoTime;
  features: Record<string, number> | null;
  /** Fields below are absent or empty on tickets opened before the API exposed them. */
  fault?: string | null;
  confirmed_risk?: number | null;
  policy?: { enter: number; n_of_m: [number, number] } | null;
  drivers?: {
    feature: string;
    value: number;
    baseline_mean: number;
    baseline_std: number;
    z: number;
    kind: string;
  }[];
  signals?: SignalDriver[];
  baseline?: { machine_type: string; predictions: number } | null;
  /** Opened + the model's horizon: the time left counts down to this. */
  failure_expected_by?: IsoTime | null;
}

/** What followed a resolution (GET /api/tickets/{id} only). Gateways do not acknowledge repairs: the
 * repair time is when the API handed the command to its broker link. */
export interface Aftercare {
  gateway_id: string | null;
  repair_sent_at: IsoTime | null;
  /** The broker link was down: the command waits in the API's queue. */
  repair_queued: boolean;
  exit_threshold: number;
  back_to_normal_at: IsoTime | null;
  back_to_normal_risk: number | null;
}

export type Outcome = "CONFIRMED_FAULT" | "FALSE_ALARM";

/** Why a ticket exists (cloud/tickets/models.py TicketKind). */
export type TicketKind = "PREDICTIVE" | "PREVENTIVE" | "CORRECTIVE" | "SENSOR";

export interface Ticket {
  id: string;
  machine_id: string;
  machine_name: string;
  title: string;
  status: TicketStatus;
  priority: TicketPriority;
  kind: TicketKind;
  technician_id: string | null;
  technician_name: string | null;
  created_at: IsoTime;
  updated_at: IsoTime;
  resolved_at: IsoTime | null;
  /** Null for a ticket made by hand. */
  reason: TicketReason | null;
  fault: string;
  outcome: Outcome | null;
  root_cause: string | null;
  /** The failure mode the technician found on a confirmed fault; null when not said. */
  found_fault: string | null;
  /** Only on one ticket once resolved; null in lists. */
  aftercare?: Aftercare | null;
}

/** One page of GET /api/tickets. */
export interface TicketPage {
  items: Ticket[];
  total: number;
  limit: number;
  offset: number;
}

export interface TicketUpdate {
  status?: "IN_PROGRESS" | "RESOLVED";
  technician_id?: string | null;
  priority?: TicketPriority;
  outcome?: Outcome;
  root_cause?: string;
  /** On a confirmed fault: the failure mode found ("bearing_wear"); it teaches the fault classifier. */
  found_fault?: string;
}

export type TicketEventKind =
  "created" | "status" | "assigned" | "priority" | "comment" | "outcome" | "repair_sent";

/** One line of a ticket's audit trail; actor null means the ticket engine. */
export interface TicketEvent {
  id: number;
  ticket_id: string;
  at: IsoTime;
  actor_id: string | null;
  actor_name: string | null;
  kind: TicketEventKind;
  data: Record<string, unknown>;
}

export type Role = "admin" | "engineer" | "technician";

export interface User {
  id: string;
  email: string;
  full_name: string;
  role: Role;
  location: string | null;
  is_active: boolean;
  created_at: IsoTime;
}

export interface LoginResponse {
  access_token: string;
  token_type: "bearer";
  expires_at: IsoTime;
  user: User;
}

/** What the live stream (GET /api/stream) sends as a "prediction" event. */
export interface PredictionEvent extends PredictionPoint {
  machine_id: string;
}

export interface Gateway {
  id: string;
  online: boolean;
  last_seen: IsoTime | null;
  agent_version: string | null;
  model_version: string | null;
  outbox_depth: number;
  /** Readings dropped at the edge, counted by reason (e.g. "outbox_full"). */
  dropped: Record<string, number>;
  last_error: string | null;
  machine_count: number;
  /** Machines it announced that await an engineer's approval (included in machine_count). */
  pending_machines: number;
  /** Rows it sent for machines of other gateways: refused, dead-lettered (reason foreign_machine). */
  foreign_rows: number;
  /** Seconds the gateway's clock runs ahead of the cloud's (negative: behind), measured from its batches'
   * sent_at; null until its first readings or predictions arrive. */
  clock_offset_s: number | null;
  clock_offset_at: IsoTime | null;
  /** Rows stored although they arrived older than the cloud's late mark (a backlog). */
  late_rows: number;
}

/** GET /api/health as anyone gets it: a load balancer's answer. */
export interface HealthSummary {
  status: "ok" | "degraded";
}

/** The details are sent to a caller whose token the API accepts; a rejected token gets the summary only. */
export interface Health extends HealthSummary {
  database: { ok: boolean; error: string | null };
  broker: { connected: boolean };
  ingestion: {
    workers: number;
    last_commit_at: IsoTime | null;
    /** Age of the newest reading stored. */
    lag_s: number | null;
    /** lag_s is above lag_limit_s (absent from older APIs). */
    lagging?: boolean;
    lag_limit_s?: number;
  };
}

/** RFC 9457 problem details, as every API error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Present on validation errors (422). */
  errors?: { loc: (string | number)[]; msg: string }[];
}

/** GET /api/registry/models: a registered model version and the aliases pointing at it. */
export interface ModelVersion {
  serial: number;
  version: string;
  name: string;
  sha256: string;
  size: number;
  /** From the training manifest: f1, precision, recall, roc_auc, … (numbers or nested objects). */
  metrics: Record<string, unknown>;
  parity: Record<string, unknown>;
  training_data: Record<string, unknown>;
  signed: boolean;
  key_id: string | null;
  expires_at: IsoTime | null;
  created_at: IsoTime;
  aliases: string[];
}

export type RolloutMode = "deploy" | "shadow";
export type RolloutState = "active" | "completed" | "rolled_back";

/** One gateway a rollout reached and what it last reported. */
export interface RolloutGateway {
  gateway_id: string;
  stage: number;
  state: string;
  serving: string | null;
  detail: string | null;
  /** Shadow figures: agreement, challenger_latency_ms_p95, score_drift, windows. */
  shadow: Record<string, number> | null;
  updated_at: IsoTime;
}

interface RolloutBase {
  id: string;
  version: string;
  mode: RolloutMode;
  /** "all", "group=<name>" or "tag=<name>". */
  target: string;
  stages: number[];
  stage: number;
  state: RolloutState;
  created_at: IsoTime;
}

/** GET /api/registry/rollouts/{id}. */
export interface Rollout extends RolloutBase {
  gateways: RolloutGateway[];
}

/** An item of GET /api/registry/rollouts: gateways counted by reported state. */
export interface RolloutSummary extends RolloutBase {
  counts: Record<string, number>;
}

export interface RolloutPage {
  items: RolloutSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** POST /api/registry/rollouts. */
export interface RolloutStart {
  ref: string;
  target: { key: "group" | "tag" | "all"; value?: string };
  stages?: number[];
  mode: RolloutMode;
}
