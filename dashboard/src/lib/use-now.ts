// The current time, re-read every few seconds, so ages ("no data for 2 min", "stale") move on their own
// between fetches.
import { useEffect, useState } from "react";

/** How often the views re-read the clock. */
export const NOW_TICK_MS = 5_000;

export function useNow(tickMs: number = NOW_TICK_MS): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}
