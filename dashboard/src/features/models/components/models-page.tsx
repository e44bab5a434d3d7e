// The Models page: versions with their metrics and aliases, the rollouts and, for engineers and admins,
// the start-rollout form, and the ticket policy. Technicians see everything read-only.
import { PolicyCard } from "./policy-card";
import { useSession } from "@/lib/session";

import { managesModels } from "../api/model-logic";
import { useModels } from "../api/registry";
import { RolloutsList } from "./rollouts-list";
import { StartRolloutForm } from "./start-rollout-form";
import { VersionsTable } from "./versions-table";

export function ModelsPage() {
  const session = useSession();
  const models = useModels();
  const canManage = session !== null && managesModels(session.user);
  return (
    <>
      <section aria-labelledby="versions-title">
        <h2 id="versions-title" className="card-title">
          Versions
        </h2>
        <VersionsTable canManage={canManage} />
      </section>
      <section aria-labelledby="rollouts-title">
        <h2 id="rollouts-title" className="card-title">
          Rollouts
        </h2>
        {canManage && models.data && <StartRolloutForm models={models.data} />}
        <RolloutsList canManage={canManage} />
      </section>
      <section aria-labelledby="policy-title">
        <h2 id="policy-title" className="card-title">
          Ticket policy
        </h2>
        <PolicyCard canEdit={canManage} />
      </section>
    </>
  );
}
