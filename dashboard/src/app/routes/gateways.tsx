// Route "/gateways": the gateways table and the machines they announced that await approval.
import { GatewaysTable } from "@/features/gateways/components/gateways-table";
import { PendingMachines } from "@/features/gateways/components/pending-machines";

export function GatewaysRoute() {
  return (
    <>
      <header className="page-head">
        <h1>Gateways</h1>
      </header>
      <GatewaysTable />
      <h2>Machines awaiting approval</h2>
      <PendingMachines />
    </>
  );
}
