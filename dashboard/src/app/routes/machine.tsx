// Route "/machines/:machineId": one machine in detail.
import { useParams } from "react-router";

import { MachineDetail } from "@/features/machines/components/machine-detail";

export function MachineRoute() {
  const { machineId = "" } = useParams();
  // A new machine id starts a fresh page (and fresh charts) rather than morphing the old one.
  return <MachineDetail key={machineId} machineId={machineId} />;
}
