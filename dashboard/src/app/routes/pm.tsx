// Route "/pm": preventive-maintenance schedules.
import { SchedulesPage } from "@/features/pm/components/schedules-page";

export function PmRoute() {
  return <SchedulesPage />;
}
