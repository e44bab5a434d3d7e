// Route "/users": the people and where they work. The sites and lines come from the fleet feature and are
// handed down, so the two features stay independent.
import { useLines, useSites } from "@/features/fleet/api/hierarchy";
import { UsersPage } from "@/features/users/components/users-page";

export function UsersRoute() {
  const sites = useSites();
  const lines = useLines();
  return (
    <>
      <header className="page-head">
        <h1>People</h1>
        <p>New tickets go to the technicians of the machine's line, then of its site, then anyone free.</p>
      </header>
      <UsersPage sites={sites.data ?? []} lines={lines.data ?? []} />
    </>
  );
}
