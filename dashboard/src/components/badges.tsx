// Small status badges shared by several views.
import type { TicketPriority, TicketStatus } from "@/types/api";

export function OnlineBadge({ online }: { online: boolean }) {
  return (
    <span className={`badge ${online ? "badge--online" : "badge--offline"}`}>
      <span className="dot" aria-hidden="true" />
      {online ? "Online" : "Offline"}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  return <span className={`badge badge--priority-${priority.toLowerCase()}`}>{priority}</span>;
}

const STATUS_LABELS: Record<TicketStatus, string> = {
  OPEN: "Open",
  IN_PROGRESS: "In progress",
  RESOLVED: "Resolved",
};

export function StatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge--status-${status.toLowerCase()}`}>{STATUS_LABELS[status]}</span>;
}

export function ticketStatusLabel(status: TicketStatus): string {
  return STATUS_LABELS[status];
}
