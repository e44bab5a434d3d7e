// One ticket in full: what can be done now (first, on every screen), why it was opened in plant units,
// what followed the resolution, the comment box and its history.
import { type FormEvent, type ReactNode, useState } from "react";
import { Link } from "react-router";

import { PriorityBadge, StatusBadge } from "@/components/badges";
import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { TicketOutcome } from "@/components/ticket-outcome";
import { paths } from "@/config/paths";
import { ApiError } from "@/lib/api-client";
import { formatAge, formatDateTime, formatFault, ticketTitle } from "@/lib/format";
import { canWorkOn } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import { useNow } from "@/lib/use-now";
import type { Ticket } from "@/types/api";

import { useTicket, useTicketEvents } from "../api/get-ticket";
import { useTechnicians } from "../api/get-technicians";
import { MAX_COMMENT_CHARS, useAddComment } from "../api/update-ticket";
import { describeEvent, eventActor } from "./history";
import { LifecycleActions } from "./lifecycle-actions";
import { TicketActions } from "./ticket-actions";
import { TicketAftercare } from "./ticket-aftercare";
import { TicketPreventive } from "./ticket-preventive";
import { TicketWhy } from "./ticket-why";

function CommentBox({ ticketId }: { ticketId: string }) {
  const [text, setText] = useState("");
  const comment = useAddComment(ticketId);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (text.trim()) comment.mutate(text.trim(), { onSuccess: () => setText("") });
  };
  return (
    <form className="comment-box" onSubmit={submit} aria-label="Add a comment">
      <label className="field">
        <span>Comment</span>
        <textarea
          name="comment"
          rows={3}
          maxLength={MAX_COMMENT_CHARS}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="What did you find? What did you do?"
        />
      </label>
      {comment.isError && <ErrorBanner error={comment.error} title="Could not add the comment" />}
      <button type="submit" className="button button--primary" disabled={comment.isPending || !text.trim()}>
        {comment.isPending ? "Saving…" : "Add comment"}
      </button>
    </form>
  );
}

function History({ ticket }: { ticket: Ticket }) {
  const events = useTicketEvents(ticket.id);
  const session = useSession();
  const technicians = useTechnicians(session !== null);
  const names = new Map((technicians.data ?? []).map((t) => [t.id, t.full_name] as const));
  if (ticket.technician_id && ticket.technician_name) names.set(ticket.technician_id, ticket.technician_name);
  if (events.isPending) return <Loading what="history" />;
  if (events.isError && !events.data)
    return <ErrorBanner error={events.error} title="Could not load the history" />;
  if (events.data.length === 0) return <Empty>No history yet.</Empty>;
  return (
    <ol className="history" data-testid="ticket-history">
      {events.data.map((e) => (
        <li key={e.id} className={`history__item history__item--${e.kind}`} data-kind={e.kind}>
          <time dateTime={e.at} title={formatDateTime(e.at)}>
            {formatAge(e.at)}
          </time>{" "}
          <strong>{eventActor(e)}</strong> {describeEvent(e, names)}
        </li>
      ))}
    </ol>
  );
}

export function TicketDetail({
  ticketId,
  children,
}: {
  ticketId: string;
  children?: (ticket: Ticket) => ReactNode;
}) {
  const ticket = useTicket(ticketId);
  const session = useSession();
  const now = useNow();
  if (ticket.isPending) return <Loading what="ticket" />;
  if (ticket.isError && !ticket.data) {
    const missing = ticket.error instanceof ApiError && ticket.error.status === 404;
    return (
      <>
        <ErrorBanner error={ticket.error} title={missing ? "No such ticket" : "Could not load the ticket"} />
        <Link to={paths.tickets.href()}>Back to the board</Link>
      </>
    );
  }
  const t = ticket.data;
  const title = ticketTitle(t.title);
  return (
    <article
      className="ticket-detail"
      data-testid="ticket-detail"
      data-status={t.status}
      data-ticket-id={t.id}
    >
      <nav className="breadcrumb small" aria-label="Breadcrumb">
        <Link to={paths.tickets.href()}>Tickets</Link> / <span>{title}</span>
      </nav>
      <header className="page-head">
        <div>
          <h1>{title}</h1>
          <p className="muted">
            <Link to={paths.machine.href(t.machine_id)}>{t.machine_name}</Link> · {formatFault(t.fault)} ·
            opened {formatAge(t.created_at, now)}
            {t.resolved_at ? ` · resolved ${formatAge(t.resolved_at, now)}` : ""}
          </p>
        </div>
        <span className="badges">
          <PriorityBadge priority={t.priority} />
          <StatusBadge status={t.status} />
        </span>
      </header>
      <div className="ticket-detail__grid">
        {/* Actions first in the page's order: the first thing on a phone, the left column on a desk. */}
        <section
          className="card ticket-detail__actions"
          aria-label="Actions"
          data-testid="ticket-actions-card"
        >
          <h2 className="card-title">Work</h2>
          <TicketActions ticket={t} />
          <LifecycleActions ticket={t} />
          <TicketAftercare ticket={t} />
          <TicketOutcome ticket={t} />
          {session && canWorkOn(session.user, t) && <CommentBox ticketId={t.id} />}
        </section>
        <section className="card" aria-label="Why" data-testid="ticket-why">
          <h2 className="card-title">Why this ticket</h2>
          {t.pm ? <TicketPreventive pm={t.pm} /> : <TicketWhy ticket={t} now={now} />}
        </section>
      </div>
      {children?.(t)}
      <section className="card" aria-label="History">
        <h2 className="card-title">History</h2>
        <History ticket={t} />
      </section>
    </article>
  );
}
