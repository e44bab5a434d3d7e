// One version in full: every metric of its manifest, the parity check, training data and signature.
import { formatDateTime } from "@/lib/format";
import type { ModelVersion } from "@/types/api";

import { flattenMetrics } from "../api/model-logic";

function Pairs({ title, value }: { title: string; value: Record<string, unknown> }) {
  const rows = flattenMetrics(value);
  return (
    <section>
      <h3 className="card-title">{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">None recorded.</p>
      ) : (
        <table className="table">
          <tbody>
            {rows.map(([key, text]) => (
              <tr key={key}>
                <th scope="row" data-label="Name">
                  <code>{key}</code>
                </th>
                <td data-label="Value" className="num">
                  {text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function VersionDetail({ model, onClose }: { model: ModelVersion; onClose: () => void }) {
  return (
    <section className="card" data-testid="model-detail" aria-label={`Model ${model.version}`}>
      <header className="page-head">
        <div>
          <h2>
            <code>{model.version}</code>
          </h2>
          <p className="muted small">
            {model.name} · serial {model.serial} · {(model.size / 1024).toFixed(1)} KiB · sha256{" "}
            <code>{model.sha256.slice(0, 12)}…</code>
            <br />
            {model.signed
              ? `Signed by key ${model.key_id ?? "?"}, valid until ${formatDateTime(model.expires_at)}`
              : "Not signed: it cannot be rolled out until it is."}
          </p>
        </div>
        <button type="button" className="button button--ghost" onClick={onClose}>
          Close
        </button>
      </header>
      <Pairs title="Metrics" value={model.metrics} />
      <Pairs title="Parity (ONNX vs. training)" value={model.parity} />
      <Pairs title="Training data" value={model.training_data} />
    </section>
  );
}
