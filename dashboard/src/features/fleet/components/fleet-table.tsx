// The dense fleet table: one row per machine, sortable by its column headers, virtualised so that only the
// rows in view (plus a few either side) are in the DOM — a thousand machines scroll like twelve.
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useRef } from "react";
import { Link } from "react-router";

import { StateBadge } from "@/components/state-badge";
import { paths } from "@/config/paths";
import { formatAge, formatPercent } from "@/lib/format";
import { operatingState, riskFreshness } from "@/lib/machine-state";
import { riskLevel } from "@/lib/risk";
import type { Machine } from "@/types/api";

import { type FleetView, SORT_LABELS, type SortKey } from "../api/fleet-view";

/** Every row is one line of text at this height, so the virtualiser never has to measure. */
const ROW_HEIGHT_PX = 40;
/** Rows rendered beyond each edge of the viewport, so a fast wheel flick shows no blank rows. */
const OVERSCAN_ROWS = 12;

interface FleetTableProps {
  machines: Machine[];
  view: FleetView;
  level: number;
  now: Date;
  onSort: (key: SortKey) => void;
}

function SortHeader({
  column,
  view,
  onSort,
}: {
  column: SortKey;
  view: FleetView;
  onSort: (k: SortKey) => void;
}) {
  const active = view.sort === column;
  const arrow = active ? (view.dir === "asc" ? " ▲" : " ▼") : "";
  return (
    <th scope="col" aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        className="sort-button"
        data-testid={`sort-${column}`}
        onClick={() => onSort(column)}
      >
        {SORT_LABELS[column]}
        {arrow}
      </button>
    </th>
  );
}

interface FleetRowProps {
  machine: Machine;
  index: number;
  level: number;
  now: Date;
}

/** One row; memoised, so scrolling renders only the rows that come into view, not every row in the DOM. */
const FleetRow = memo(function FleetRow({ machine: m, index, level, now }: FleetRowProps) {
  const freshness = riskFreshness(m, now);
  const risk = m.latest_prediction?.failure_prob ?? null;
  const current = freshness.kind === "current";
  return (
    <tr
      style={{ height: ROW_HEIGHT_PX }}
      data-testid="fleet-row"
      data-index={index}
      data-machine-id={m.id}
      data-machine-name={m.name}
    >
      <th scope="row">
        <Link to={paths.machine.href(m.id)}>{m.name}</Link>
      </th>
      <td className="muted">{m.line_name ? `${m.site_name} / ${m.line_name}` : "—"}</td>
      <td>
        <StateBadge state={operatingState(m, level, now)} />
      </td>
      <td
        className={`risk-cell risk-cell--${current ? riskLevel(risk, level) : "unknown"}`}
        data-testid="row-risk"
        data-risk={current && risk !== null ? risk : ""}
        title={current ? undefined : "no current figure"}
      >
        {formatPercent(risk)}
      </td>
      <td className="muted">{m.latest_reading ? formatAge(m.latest_reading.ts, now) : "never"}</td>
      <td className="num">{m.open_tickets}</td>
      <td>
        <code>{m.gateway_id ?? "—"}</code>
      </td>
    </tr>
  );
});

export function FleetTable({ machines, view, level, now, onSort }: FleetTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualiser hands back fresh functions each render by design; this component is not memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: machines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: OVERSCAN_ROWS,
    getItemKey: (index) => machines[index]?.id ?? index,
    // Let React batch scroll updates instead of rendering synchronously inside every scroll event.
    useFlushSync: false,
  });
  const rows = virtualizer.getVirtualItems();
  const before = rows[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (rows.at(-1)?.end ?? 0);
  return (
    <div className="fleet-table" ref={scroller} data-testid="fleet-table" data-count={machines.length}>
      <table className="table table--dense">
        {/* Fixed column widths (table-layout: fixed): rows entering on scroll never make the browser
            re-measure every column. */}
        <colgroup>
          <col style={{ width: "22%" }} />
          <col style={{ width: "20%" }} />
          <col style={{ width: "14%" }} />
          <col style={{ width: "10%" }} />
          <col style={{ width: "13%" }} />
          <col style={{ width: "9%" }} />
          <col style={{ width: "12%" }} />
        </colgroup>
        <thead>
          <tr>
            <SortHeader column="name" view={view} onSort={onSort} />
            <th scope="col">Site / line</th>
            <SortHeader column="status" view={view} onSort={onSort} />
            <SortHeader column="risk" view={view} onSort={onSort} />
            <SortHeader column="last_seen" view={view} onSort={onSort} />
            <th scope="col" className="num">
              Open tickets
            </th>
            <th scope="col">Gateway</th>
          </tr>
        </thead>
        <tbody>
          {before > 0 ? (
            <tr aria-hidden="true" style={{ height: before }}>
              <td colSpan={7} />
            </tr>
          ) : null}
          {rows.map((row) => {
            const m = machines[row.index];
            return m ? (
              <FleetRow key={row.key} machine={m} index={row.index} level={level} now={now} />
            ) : null;
          })}
          {after > 0 ? (
            <tr aria-hidden="true" style={{ height: after }}>
              <td colSpan={7} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
