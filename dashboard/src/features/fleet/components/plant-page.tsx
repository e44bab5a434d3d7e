// The plant page: every site with its lines, a form to add a site, and machines moved between lines.
// Everyone reads it; engineers and admins change it (the API enforces the same rule).
import { useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { managesTickets } from "@/lib/permissions";
import { useSession } from "@/lib/session";

import { useHierarchyChange, useLines, useSites } from "../api/hierarchy";
import { MachinePlacement } from "./machine-placement";
import { NameForm } from "./name-form";
import { SiteCard } from "./site-card";

export function PlantPage() {
  const session = useSession();
  const mayEdit = session ? managesTickets(session.user) : false;
  const sites = useSites();
  const lines = useLines();
  const create = useHierarchyChange();
  const [round, setRound] = useState(0);
  if (sites.isPending || lines.isPending) return <Loading what="sites and lines" />;
  if (sites.isError) return <ErrorBanner error={sites.error} title="Could not load sites" />;
  if (lines.isError) return <ErrorBanner error={lines.error} title="Could not load lines" />;
  return (
    <div className="plant">
      {mayEdit ? (
        <section className="card" aria-label="New site">
          <h2 className="card-title">New site</h2>
          <NameForm
            key={round}
            label="New site"
            submitLabel="Add site"
            withDescription
            pending={create.isPending}
            error={create.error}
            testId="site-create-form"
            onSubmit={(name, description) =>
              create.mutate(
                { kind: "create-site", name, description },
                { onSuccess: () => setRound((r) => r + 1) },
              )
            }
          />
        </section>
      ) : null}
      {sites.data.length === 0 ? (
        <Empty>No sites yet.{mayEdit ? " Add the first one above." : ""}</Empty>
      ) : (
        sites.data.map((site) => (
          <SiteCard
            key={site.id}
            site={site}
            lines={lines.data.filter((line) => line.site_id === site.id)}
            mayEdit={mayEdit}
          />
        ))
      )}
      <MachinePlacement lines={lines.data} mayEdit={mayEdit} />
    </div>
  );
}
