// Route "/plant": sites, their lines, and which line each machine is on.
import { PlantPage } from "@/features/fleet/components/plant-page";

export function PlantRoute() {
  return (
    <>
      <header className="page-head">
        <h1>Plant</h1>
        <p>Sites and their lines; the fleet view filters by them and new tickets go to their technicians.</p>
      </header>
      <PlantPage />
    </>
  );
}
