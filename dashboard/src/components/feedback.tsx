// Loading and error states, so every view says the same thing the same way.
import type { ReactNode } from "react";

import { errorMessage } from "@/lib/api-client";

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorBanner({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  return (
    <div className="error-banner" role="alert">
      <strong>{title}.</strong> {errorMessage(error)}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
