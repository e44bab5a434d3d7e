// Route "/gateways": the gateways table.
import { GatewaysTable } from "@/features/gateways/components/gateways-table";

export function GatewaysRoute() {
  return (
    <>
      <header className="page-head">
        <h1>Gateways</h1>
      </header>
      <GatewaysTable />
    </>
  );
}
