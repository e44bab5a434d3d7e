// "Live" when changes stream in, "Polling" when the dashboard fell back to asking every few seconds.
import { useLiveState } from "../api/live-stream";

const LABELS = { live: "Live", connecting: "Connecting…", offline: "Polling" } as const;
const TITLES = {
  live: "Changes arrive as they happen",
  connecting: "Opening the live stream",
  offline: "The live stream is down; the dashboard refreshes every few seconds",
} as const;

export function LiveIndicator() {
  const state = useLiveState();
  return (
    <span
      className={`live live--${state}`}
      data-testid="live-indicator"
      data-state={state}
      title={TITLES[state]}
    >
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
