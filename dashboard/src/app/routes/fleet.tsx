// Route "/": the fleet overview.
import { FleetOverview } from "@/features/fleet/components/fleet-overview";

export function FleetRoute() {
  return (
    <>
      <header className="page-head">
        <h1>Fleet</h1>
      </header>
      <FleetOverview />
    </>
  );
}
