// Route "/reliability": whether the predictions pay — precision, lead time, missed failures, MTTR, MTBF.
import { ReliabilityPage } from "@/features/reliability/components/reliability-page";

export function ReliabilityRoute() {
  return <ReliabilityPage />;
}
