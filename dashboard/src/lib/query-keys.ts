// Every query key in one place: the views that fetch and the live stream that patches must agree.
import type { KpiGrouping, TicketStatus } from "@/types/api";

/** Filters of the ticket board; part of the key so each filter combination caches on its own. */
export interface TicketFilters {
  status: TicketStatus;
  priority?: string | undefined;
  fault?: string | undefined;
  /** "me" = assigned to the signed-in person, "none" = unassigned. */
  assignee?: "me" | "none" | undefined;
}

/** What the Reliability page asks GET /api/kpis for; part of the key so each choice caches on its own. */
export interface KpiParams {
  start: string;
  end: string;
  group_by: KpiGrouping;
  site_id?: string | undefined;
  line_id?: string | undefined;
}

export const queryKeys = {
  machines: () => ["machines"] as const,
  machine: (id: string) => ["machines", id] as const,
  predictions: (id: string, rangeMs?: number) =>
    rangeMs === undefined
      ? (["machines", id, "predictions"] as const)
      : (["machines", id, "predictions", rangeMs] as const),
  readings: (id: string, rangeMs?: number) =>
    rangeMs === undefined
      ? (["machines", id, "readings"] as const)
      : (["machines", id, "readings", rangeMs] as const),
  tickets: () => ["tickets"] as const,
  ticketLists: () => ["tickets", "list"] as const,
  ticketList: (filters: TicketFilters) => ["tickets", "list", filters] as const,
  machineTickets: (machineId: string) => ["tickets", "machine", machineId] as const,
  ticket: (id: string) => ["tickets", "detail", id] as const,
  ticketEvents: (id: string) => ["tickets", "events", id] as const,
  technicians: () => ["users", "technicians"] as const,
  gateways: () => ["gateways"] as const,
  policy: () => ["policy"] as const,
  policyKnobs: () => ["policy-knobs"] as const,
  pendingMachines: () => ["machines", "pending"] as const,
  pmSchedules: () => ["pm-schedules"] as const,
  workDone: (ticketId: string) => ["tickets", "work", ticketId] as const,
  parts: () => ["parts"] as const,
  notices: () => ["notices"] as const,
  kpis: (params: KpiParams) => ["kpis", params] as const,
  sites: () => ["sites"] as const,
  lines: () => ["lines"] as const,
  users: () => ["users", "all"] as const,
  userAreas: () => ["user-areas"] as const,
  notifications: () => ["notifications"] as const,
  notificationChannels: () => ["notifications", "channels"] as const,
  notificationRules: () => ["notifications", "rules"] as const,
  notificationDeliveries: () => ["notifications", "deliveries"] as const,
  notificationPreferences: () => ["notifications", "preferences"] as const,
};
