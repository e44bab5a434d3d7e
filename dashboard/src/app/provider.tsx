// App-wide providers: the query cache and a last-resort error boundary.
import { QueryClientProvider } from "@tanstack/react-query";
import { Component, type ErrorInfo, type ReactNode, useState } from "react";

import { makeQueryClient } from "@/lib/react-query";

interface BoundaryState {
  error: Error | null;
}

/** Shows a readable message instead of a blank page when a view throws while rendering. */
class ErrorBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("dashboard view crashed", error, info.componentStack);
  }

  render() {
    if (this.state.error) {
      return (
        <div className="error-banner" role="alert">
          <strong>The dashboard hit an error.</strong> {this.state.error.message}{" "}
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ErrorBoundary>
  );
}
