// Moving machines between lines: pick which machines to list (those on no line, or one line's), narrow
// them by name, then choose each one's line. At most MAX_ROWS rows are drawn, each with its own line
// picker, so a thousand unplaced machines do not make every change re-render a thousand pickers.
import { useState } from "react";

import { Empty, ErrorBanner } from "@/components/feedback";
import type { Line } from "@/types/api";

import { useMachines } from "../api/get-machines";
import { useHierarchyChange } from "../api/hierarchy";

const UNPLACED = "";
/** Rows drawn at once; the name filter finds the others. */
const MAX_ROWS = 50;

export function MachinePlacement({ lines, mayEdit }: { lines: Line[]; mayEdit: boolean }) {
  const machines = useMachines();
  const change = useHierarchyChange();
  const [group, setGroup] = useState(UNPLACED);
  const [needle, setNeedle] = useState("");
  const lowered = needle.trim().toLocaleLowerCase();
  const matching = (machines.data ?? []).filter(
    (m) => (m.line_id ?? UNPLACED) === group && m.name.toLocaleLowerCase().includes(lowered),
  );
  const shown = matching.slice(0, MAX_ROWS);
  return (
    <section className="card" aria-label="Machines by line" data-testid="machine-placement">
      <h2 className="card-title">Machines by line</h2>
      <label className="field field--inline">
        <span>Show machines</span>
        <select name="placement-group" value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value={UNPLACED}>on no line</option>
          {lines.map((line) => (
            <option key={line.id} value={line.id}>
              on {line.site_name} / {line.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field field--inline">
        <span>Name contains</span>
        <input name="placement-filter" value={needle} onChange={(e) => setNeedle(e.target.value)} />
      </label>
      {matching.length > shown.length ? (
        <p className="muted small" data-testid="placement-more">
          Showing {shown.length} of {matching.length}; type part of a name to find the others.
        </p>
      ) : null}
      {change.isError ? <ErrorBanner error={change.error} title="Could not move the machine" /> : null}
      {machines.isError ? <ErrorBanner error={machines.error} title="Could not load machines" /> : null}
      {shown.length === 0 ? (
        <Empty>No machines here.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Machine</th>
                <th scope="col">Type</th>
                <th scope="col">Line</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((m) => (
                <tr key={m.id} data-testid="placement-row" data-machine-name={m.name}>
                  <th scope="row">{m.name}</th>
                  <td>{m.type}</td>
                  <td>
                    <select
                      aria-label={`Line of ${m.name}`}
                      value={m.line_id ?? UNPLACED}
                      disabled={!mayEdit || change.isPending}
                      onChange={(e) =>
                        change.mutate({
                          kind: "place-machine",
                          machineId: m.id,
                          lineId: e.target.value || null,
                        })
                      }
                    >
                      <option value={UNPLACED}>No line</option>
                      {lines.map((line) => (
                        <option key={line.id} value={line.id}>
                          {line.site_name} / {line.name}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
