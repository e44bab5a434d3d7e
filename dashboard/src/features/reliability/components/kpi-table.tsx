// Every group's figures in one table, the total last; cells say "—" where a figure is undefined.
import type { KpiFigures, KpiGroup } from "@/types/api";

import { formatHours, formatShare } from "../api/kpi-logic";

function Cells({ f }: { f: KpiFigures }) {
  return (
    <>
      <td className="num" data-label="Tickets">
        {f.tickets}
      </td>
      <td
        className="num"
        data-label="Precision"
        title={`${f.precision.confirmed} confirmed, ${f.precision.false_alarms} false alarms`}
      >
        {formatShare(f.precision.value)}
      </td>
      <td className="num" data-label="Confirmed / false">
        {f.precision.confirmed} / {f.precision.false_alarms}
      </td>
      <td
        className="num"
        data-label="Median lead time"
        title={`p25 ${formatHours(f.lead_time.p25_hours)}, p75 ${formatHours(f.lead_time.p75_hours)}, n = ${f.lead_time.count}`}
      >
        {formatHours(f.lead_time.median_hours)}
      </td>
      <td className={`num${f.missed_failures > 0 ? " warn" : ""}`} data-label="Missed">
        {f.missed_failures}
      </td>
      <td className="num" data-label="Failures">
        {f.failures}
      </td>
      <td className="num" data-label="MTTR">
        {formatHours(f.mttr_hours)}
      </td>
      <td className="num" data-label="MTBF">
        {formatHours(f.mtbf_hours)}
      </td>
      <td className="num" data-label="Planned" title={`${f.planned} planned, ${f.unplanned} unplanned`}>
        {formatShare(f.planned_share)}
      </td>
    </>
  );
}

export function KpiTable({
  groups,
  total,
  groupLabel,
}: {
  groups: KpiGroup[];
  total: KpiFigures;
  groupLabel: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="kpi-table">
        <thead>
          <tr>
            <th scope="col">{groupLabel}</th>
            <th scope="col" className="num">
              Tickets
            </th>
            <th scope="col" className="num" title="confirmed ÷ (confirmed + false alarm), predictive tickets">
              Precision
            </th>
            <th scope="col" className="num">
              Confirmed / false
            </th>
            <th scope="col" className="num" title="opening to resolution of confirmed predictive tickets">
              Median lead time
            </th>
            <th scope="col" className="num" title="corrective tickets with the outcome MISSED">
              Missed
            </th>
            <th scope="col" className="num">
              Failures
            </th>
            <th scope="col" className="num">
              MTTR
            </th>
            <th scope="col" className="num">
              MTBF
            </th>
            <th scope="col" className="num" title="preventive + predictive ÷ (those + corrective)">
              Planned
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.key ?? "none"} data-testid="kpi-row" data-key={g.key ?? ""}>
              <th scope="row" data-label={groupLabel}>
                {g.label}
              </th>
              <Cells f={g} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="kpi-total">
            <th scope="row">All</th>
            <Cells f={total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
