// Route "/models": model versions, promotion and rollouts.
import { ModelsPage } from "@/features/models/components/models-page";

export function ModelsRoute() {
  return (
    <>
      <header className="page-head">
        <h1>Models</h1>
      </header>
      <ModelsPage />
    </>
  );
}
