// Moving machines between lines: pick which machines to list (those on no line, or one line's), then
// choose each one's line. Listing one group at a time keeps the page light with a thousand machines.
import { useState } from "react";

import { Empty, ErrorBanner } from "@/components/feedback";
import type { Line } from "@/types/api";

import { useMachines } from "../api/get-machines";
import { useHierarchyChange } from "../api/hierarchy";

const UNPLACED = "";

export function MachinePlacement({ lines, mayEdit }: { lines: Line[]; mayEdit: boolean }) {
  const machines = useMachines();
  const change = useHierarchyChange();
  const [group, setGroup] = useState(UNPLACED);
  const shown = (machines.data ?? []).filter((m) => (m.line_id ?? UNPLACED) === group);
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
