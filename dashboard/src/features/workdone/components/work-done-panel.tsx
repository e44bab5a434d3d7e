// The work recorded on a ticket: checklist results, time, parts taken from stock and attachments. Notes are
// the ticket's comments. Whoever may work the ticket records; everyone signed in reads.
import { type FormEvent, useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatAge, formatDateTime } from "@/lib/format";
import { canWorkOn } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { ChecklistItem, ChecklistResult, Ticket, WorkDone } from "@/types/api";

import {
  fileProblem,
  formatMinutes,
  minutesProblem,
  openAttachment,
  useAddTime,
  useParts,
  useSetChecklist,
  useUpload,
  useUsePart,
  useWorkDone,
} from "../api/work-done";

const RESULTS: [ChecklistResult, string][] = [
  ["DONE", "Done"],
  ["NOT_DONE", "Not done"],
  ["NOT_APPLICABLE", "N/A"],
];

function ChecklistRow({
  ticketId,
  item,
  editable,
}: {
  ticketId: string;
  item: ChecklistItem;
  editable: boolean;
}) {
  const set = useSetChecklist(ticketId);
  const [note, setNote] = useState(item.note ?? "");
  const save = (result: ChecklistResult | null) =>
    set.mutate({ position: item.position, result, note: note.trim() || null });
  return (
    <li data-testid="checklist-item" data-result={item.result ?? ""}>
      <span>{item.text}</span>{" "}
      {editable ? (
        <>
          <select
            aria-label={`Result of ${item.text}`}
            value={item.result ?? ""}
            disabled={set.isPending}
            onChange={(e) => save((e.target.value || null) as ChecklistResult | null)}
          >
            <option value="">—</option>
            {RESULTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>{" "}
          <input
            aria-label={`Note on ${item.text}`}
            value={note}
            maxLength={2000}
            placeholder="note"
            onChange={(e) => setNote(e.target.value)}
            onBlur={() => note !== (item.note ?? "") && save(item.result)}
          />
        </>
      ) : (
        <span className="muted">
          {RESULTS.find(([v]) => v === item.result)?.[1] ?? "—"}
          {item.note ? ` · ${item.note}` : ""}
        </span>
      )}
      {set.isError && <ErrorBanner error={set.error} title="Could not save the result" />}
    </li>
  );
}

function TimeForm({ ticketId }: { ticketId: string }) {
  const add = useAddTime(ticketId);
  const [minutes, setMinutes] = useState("");
  const [note, setNote] = useState("");
  const problem = minutesProblem(minutes);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (problem === null)
      add.mutate(
        { minutes: Number(minutes), note: note.trim() || null },
        { onSuccess: () => (setMinutes(""), setNote("")) },
      );
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Log time">
      <input
        aria-label="Minutes"
        type="number"
        min={1}
        value={minutes}
        placeholder="minutes"
        onChange={(e) => setMinutes(e.target.value)}
      />
      <input
        aria-label="Time note"
        value={note}
        maxLength={2000}
        placeholder="what"
        onChange={(e) => setNote(e.target.value)}
      />
      <button type="submit" className="button" disabled={add.isPending || problem !== null}>
        Log time
      </button>
      {add.isError && <ErrorBanner error={add.error} title="Could not log the time" />}
    </form>
  );
}

function PartForm({ ticketId }: { ticketId: string }) {
  const parts = useParts();
  const use = useUsePart(ticketId);
  const [partId, setPartId] = useState("");
  const [quantity, setQuantity] = useState("1");
  const qty = Number(quantity);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (partId && Number.isInteger(qty) && qty >= 1) use.mutate({ part_id: partId, quantity: qty });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Use a part">
      <select aria-label="Part" value={partId} onChange={(e) => setPartId(e.target.value)}>
        <option value="">Part…</option>
        {(parts.data ?? []).map((p) => (
          <option key={p.id} value={p.id} disabled={p.stock === 0}>
            {p.sku} {p.name} ({p.stock} {p.unit} in stock)
          </option>
        ))}
      </select>
      <input
        aria-label="Quantity"
        type="number"
        min={1}
        value={quantity}
        onChange={(e) => setQuantity(e.target.value)}
      />
      <button type="submit" className="button" disabled={use.isPending || !partId}>
        Use
      </button>
      {use.isError && <ErrorBanner error={use.error} title="Could not take the part" />}
    </form>
  );
}

function UploadForm({ ticketId }: { ticketId: string }) {
  const upload = useUpload(ticketId);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="inline-form">
      <label className="button">
        Attach a photo or file
        <input
          type="file"
          hidden
          data-testid="attach-file"
          accept="image/*,application/pdf,text/plain"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (!file) return;
            const wrong = fileProblem(file);
            setProblem(wrong);
            if (wrong === null) upload.mutate(file);
          }}
        />
      </label>
      {upload.isPending && <span className="muted small">Uploading…</span>}
      {problem && (
        <span className="form-error" role="alert">
          {problem}
        </span>
      )}
      {upload.isError && <ErrorBanner error={upload.error} title="Could not attach the file" />}
    </div>
  );
}

function Lists({ work }: { work: WorkDone }) {
  return (
    <>
      <h3>Time · {formatMinutes(work.minutes_total)}</h3>
      {work.time.length === 0 ? (
        <Empty>No time logged.</Empty>
      ) : (
        <ul className="small" data-testid="time-entries">
          {work.time.map((t) => (
            <li key={t.id}>
              {formatMinutes(t.minutes)} by {t.user_name ?? "someone"} {formatAge(t.created_at)}
              {t.note ? ` — ${t.note}` : ""}
            </li>
          ))}
        </ul>
      )}
      <h3>Parts</h3>
      {work.parts.length === 0 ? (
        <Empty>No parts used.</Empty>
      ) : (
        <ul className="small" data-testid="parts-used">
          {work.parts.map((p) => (
            <li key={p.id}>
              {p.quantity} {p.unit} {p.sku} {p.name} by {p.user_name ?? "someone"}
            </li>
          ))}
        </ul>
      )}
      <h3>Attachments</h3>
      {work.attachments.length === 0 ? (
        <Empty>Nothing attached.</Empty>
      ) : (
        <ul className="small" data-testid="attachments">
          {work.attachments.map((a) => (
            <li key={a.id}>
              <button type="button" className="link-button" onClick={() => void openAttachment(a)}>
                {a.filename}
              </button>{" "}
              <span className="muted">
                {a.content_type}, {Math.ceil(a.size / 1024)} KiB, {a.user_name ?? "someone"},{" "}
                {formatDateTime(a.created_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function WorkDonePanel({ ticket }: { ticket: Ticket }) {
  const work = useWorkDone(ticket.id);
  const session = useSession();
  const editable = session !== null && canWorkOn(session.user, ticket) && ticket.status !== "RESOLVED";
  if (work.isPending) return <Loading what="work done" />;
  if (work.isError) return <ErrorBanner error={work.error} title="Could not load the work done" />;
  return (
    <section className="card" aria-label="Work done" data-testid="work-done">
      <h2 className="card-title">Work done</h2>
      {work.data.checklist.length > 0 && (
        <>
          <h3>Checklist</h3>
          <ol className="checklist">
            {work.data.checklist.map((item) => (
              <ChecklistRow key={item.position} ticketId={ticket.id} item={item} editable={editable} />
            ))}
          </ol>
        </>
      )}
      <Lists work={work.data} />
      {editable && (
        <>
          <TimeForm ticketId={ticket.id} />
          <PartForm ticketId={ticket.id} />
          <UploadForm ticketId={ticket.id} />
        </>
      )}
    </section>
  );
}
