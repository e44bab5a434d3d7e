// Types of every MaintainX HTTP API v1 response the dashboard reads (see the API description in api.md).
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

export interface TicketReason {
  model_version: string;
  failure_prob: number;
  anomaly_score: number;
  prediction_ts: IsoTime;
  features: Record<string, number> | null;
}

export interface Ticket {
  id: string;
  machine_id: string;
  machine_name: string;
  title: string;
  status: TicketStatus;
  priority: TicketPriority;
  technician_id: string | null;
  created_at: IsoTime;
  updated_at: IsoTime;
  resolved_at: IsoTime | null;
  reason: TicketReason;
}

export interface TicketUpdate {
  status?: "IN_PROGRESS" | "RESOLVED";
  technician_id?: string | null;
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
}

export interface Health {
  status: "ok" | "degraded";
  database: { ok: boolean; error: string | null };
  broker: { connected: boolean };
  ingestion: { workers: number; last_commit_at: IsoTime | null; lag_s: number | null };
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
