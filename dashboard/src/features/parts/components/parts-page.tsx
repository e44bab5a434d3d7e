// The parts catalogue with stock (below-minimum first and marked), the notices raised when a part fell below
// its minimum, and for engineers a form to add a part or recount one.
import { type FormEvent, useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { formatAge } from "@/lib/format";
import { managesTickets } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { Part } from "@/types/api";

import { noticeText, partProblem, useAcknowledge, useCatalogue, useNotices, useSavePart } from "../api/parts";

const EMPTY = { sku: "", name: "", unit: "pcs", stock: "0", min_stock: "0" };

function PartForm({ part, onDone }: { part: Part | null; onDone: () => void }) {
  const save = useSavePart();
  const [form, setForm] = useState(
    part ? { ...part, stock: String(part.stock), min_stock: String(part.min_stock) } : EMPTY,
  );
  const [touched, setTouched] = useState(false);
  const problem = partProblem(form);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTouched(true);
    if (problem !== null) return;
    const body = {
      sku: form.sku,
      name: form.name,
      unit: form.unit || "pcs",
      stock: Number(form.stock),
      min_stock: Number(form.min_stock),
    };
    save.mutate({ id: part?.id ?? null, body }, { onSuccess: onDone });
  };
  const field = (key: keyof typeof EMPTY, label: string, type = "text") => (
    <label className="field field--inline">
      <span>{label}</span>
      <input
        name={key}
        type={type}
        value={form[key]}
        onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
      />
    </label>
  );
  return (
    <form className="card inline-form" onSubmit={submit} aria-label="Part" data-testid="part-form">
      {field("sku", "SKU")}
      {field("name", "Name")}
      {field("unit", "Unit")}
      {field("stock", "In stock", "number")}
      {field("min_stock", "Minimum", "number")}
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        Save part
      </button>
      <button type="button" className="button button--ghost" onClick={onDone}>
        Cancel
      </button>
      {touched && problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      {save.isError && <ErrorBanner error={save.error} title="Could not save the part" />}
    </form>
  );
}

function Notices({ manages }: { manages: boolean }) {
  const notices = useNotices();
  const ack = useAcknowledge();
  if (notices.isPending || !notices.data?.length) return null;
  return (
    <section className="card" aria-label="Notices" data-testid="notices">
      <h2 className="card-title">Notices</h2>
      <ul>
        {notices.data.map((n) => (
          <li key={n.id} data-testid="notice">
            {noticeText(n)} <span className="muted small">{formatAge(n.created_at)}</span>{" "}
            {manages && (
              <button
                type="button"
                className="button button--ghost"
                disabled={ack.isPending}
                onClick={() => ack.mutate(n.id)}
              >
                Seen
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function PartsPage() {
  const parts = useCatalogue();
  const session = useSession();
  const manages = session !== null && managesTickets(session.user);
  const [editing, setEditing] = useState<Part | "new" | null>(null);
  return (
    <>
      <header className="page-head">
        <h1>Parts</h1>
        {manages && editing === null && (
          <button type="button" className="button button--primary" onClick={() => setEditing("new")}>
            New part
          </button>
        )}
      </header>
      <Notices manages={manages} />
      {editing !== null && (
        <PartForm part={editing === "new" ? null : editing} onDone={() => setEditing(null)} />
      )}
      {parts.isPending && <Loading what="parts" />}
      {parts.isError && <ErrorBanner error={parts.error} title="Could not load the parts" />}
      {parts.data?.length === 0 && <Empty>No parts in the catalogue yet.</Empty>}
      {parts.data && parts.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="parts-table">
            <thead>
              <tr>
                <th>SKU</th>
                <th>Name</th>
                <th>In stock</th>
                <th>Minimum</th>
                {manages && <th />}
              </tr>
            </thead>
            <tbody>
              {parts.data.map((p) => (
                <tr key={p.id} data-below={p.below_minimum}>
                  <td>{p.sku}</td>
                  <td>{p.name}</td>
                  <td>
                    {p.stock} {p.unit}{" "}
                    {p.below_minimum && <span className="badge badge--priority-critical">below minimum</span>}
                  </td>
                  <td>{p.min_stock}</td>
                  {manages && (
                    <td>
                      <button type="button" className="button button--ghost" onClick={() => setEditing(p)}>
                        Edit
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
