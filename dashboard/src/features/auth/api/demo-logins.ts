// GET /api/auth/demo: in the demo, the logins and their shared password for the login page; elsewhere
// the API answers { demo: false } and the page shows nothing extra. Fetched into the page's own state, not
// the query cache: the layout clears that cache whenever nobody is signed in, which is when this shows.
import { useEffect, useState } from "react";

import { api } from "@/lib/api-client";
import type { DemoInfo } from "@/types/api";

export function getDemoInfo(signal?: AbortSignal): Promise<DemoInfo> {
  return api.get<DemoInfo>("/auth/demo", undefined, signal);
}

/** The demo's logins, or null until known (and when the API cannot say: the page works without them). */
export function useDemoInfo(): DemoInfo | null {
  const [info, setInfo] = useState<DemoInfo | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    getDemoInfo(controller.signal).then(setInfo, () => setInfo(null));
    return () => controller.abort();
  }, []);
  return info;
}
