// A machine's operating state as a badge: Running / Stopped / Tripped / No data (lib/machine-state.ts).
import { type OperatingState, STATE_LABELS } from "@/lib/machine-state";

export function StateBadge({ state, detail }: { state: OperatingState; detail?: string | undefined }) {
  return (
    <span
      className={`badge badge--state-${state.replace("_", "-")}`}
      data-testid="machine-state"
      data-state={state}
      title={detail}
    >
      <span className="dot" aria-hidden="true" />
      {STATE_LABELS[state]}
    </span>
  );
}
